internal import VeilGeometry
internal import VeilMedia

extension PlateDetector.Configuration {
    /// The plates around `texts` (same-line pieces joined, not yet merged), the joined
    /// texts that are not plates, and the character boxes of accepted texts with fewer glyphs
    /// than a plate holds (``PlateVerifier/fewestGlyphsOfAWholePlate``): pieces of a plate
    /// whose other characters the detector may have boxed apart or missed.
    ///
    /// A rejected text that lies right above or below an accepted line of characters, within
    /// the plate's width (``PlateCharacterLines/isAddedLine(_:to:plate:)``), is joined to that
    /// plate: a region name or a slogan, or the whole stacked plate boxed as one, so that a
    /// stacked layout is masked whole when only its characters pass. It stays among the
    /// rejected texts (still read again when small). Accepted plates stacked one above the
    /// other are joined too (``PlateGeometry/stacked(_:)``): the lines of a stacked plate
    /// whose characters were not found as one line.
    ///
    /// - Complexity: O(*a* · *r*) for *a* accepted and *r* rejected texts, plus the features.
    func verified(_ texts: [PlateText], in image: Image) -> (
        plates: [Detection], rejected: [PlateText], pieces: [Box]
    ) {
        var accepted: [(plate: Box, characters: Box, score: Double)] = []
        var pieces: [Box] = []
        var rejected: [PlateText] = []
        // Text rejected only for its lower-case letters: no plate by itself, but a line of a
        // stacked plate (a slogan in mixed case) when it lies against one.
        var words: [Detection] = []
        var caseBlind = verifier
        caseBlind.maximumLowercaseGlyphs = .max
        for text in lines.joined(texts) {
            guard let found = verifiedPlate(of: text, in: image) else {
                rejected.append(text)
                if verifier.maximumLowercaseGlyphs < .max,
                    let word = verifiedPlate(of: text, in: image, by: caseBlind)
                {
                    let box = word.plate.clamped(to: image.size.bounds)
                    words.append(Detection(objectClass: .plate, box: box, score: text.score))
                }
                continue
            }
            accepted.append((found.plate, found.characters, text.score))
            if found.glyphs < verifier.fewestGlyphsOfAWholePlate { pieces.append(found.characters) }
        }
        let bounds = image.size.bounds
        let plates = accepted.map { plate, characters, score in
            let added = rejected.map(\.box).filter { lines.isAddedLine($0, to: characters, plate: plate) }
            let whole = added.reduce(plate) { $0.union($1) }
            return Detection(objectClass: .plate, box: whole.clamped(to: bounds), score: score)
        }
        return (geometry.stacked(plates, joining: words), rejected, pieces)
    }

    /// The plate around `text` and the box of its characters when the text looks like a
    /// plate: as it is, turned upright when it is tilted, by its tallest line of characters
    /// (a region name and a slogan boxed together with them), with ink told from field on
    /// its middle rows (a plate boxed with its bright frame), or, when ``plateFields`` is set,
    /// by the plate field inside it; nil when none of these does.
    private func verifiedPlate(
        of text: PlateText, in image: Image, by verifier: PlateVerifier? = nil
    ) -> (plate: Box, characters: Box, glyphs: Int)? {
        let verifier = verifier ?? self.verifier
        if let features = PlateFeatures(textBox: text.box, textScore: text.score, in: image),
            verifier.accepts(features)
        {
            return (geometry.plateBox(aroundText: text.box), text.box, features.glyphCount)
        }
        guard verifier.minimumProbability > 0 else { return nil }
        if let upright = text.upright(in: image), let rotated = text.rotated,
            let features = PlateFeatures(textBox: upright.size.bounds, textScore: text.score, in: upright),
            verifier.accepts(features)
        {
            return (geometry.plateBox(aroundTurnedText: rotated), text.box, features.glyphCount)
        }
        if let line = lines.tallestCharacterLine(in: text.box, of: image),
            text.box.height <= lines.maximumBoxHeightInLines * line.height,
            let features = PlateFeatures(textBox: line, textScore: text.score, in: image),
            verifier.accepts(features)
        {
            // The plate is the line's plate and the lines around it.
            return (geometry.plateBox(aroundText: line).union(text.box), line, features.glyphCount)
        }
        if let features = PlateFeatures(textBox: text.box, textScore: text.score, in: image, thresholdRows: .middle),
            verifier.accepts(features)
        {
            // Ink told from field on the middle rows: a plate boxed with its bright frame.
            return (geometry.plateBox(aroundText: text.box), text.box, features.glyphCount)
        }
        // A plate found by its field has no known line of characters: an empty box, so no
        // rejected text is joined to it as an added line.
        guard let field = plateFields?.plateBox(aroundText: text.box, in: image) else { return nil }
        return (field, Box(center: field.center, width: 0, height: 0), .max)
    }
}
