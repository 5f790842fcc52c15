public import VeilGeometry
public import VeilMedia

/// Finds a plate the text detector boxed whole: a squarish text region that holds one plain,
/// rectangular field with faint marks on it, standing apart from what surrounds it.
///
/// ```swift
/// let search = PlateFieldSearch()
/// if let plate = search.plateBox(aroundText: textBox, in: frame) { … }  // the field's box
/// ```
///
/// On wide and fisheye video the text detector, run at full resolution, marks a tilted
/// US-layout plate (a region name above the characters, a slogan below, characters a third of
/// the plate's height, washed out) as one blob the size of the plate. The verifier, fit on
/// boxes around one line of characters, rejects that box (about 1:1, no glyph-sized parts),
/// and the characters are too faint and too tilted for ``PlateCharacterLines`` to find a
/// line. What does stand out is the plate itself: the largest region of one Otsu class in
/// the box, not touching the box's border, nearly filling its turned bounding rectangle, with
/// marks inside it of another shade (docs/PLATES.md, "Plates the text detector boxes whole").
///
/// This accepts things that are not plates more easily than the verifier does (a label, a
/// small sign), so ``PlateDetector`` uses it only when asked
/// (``PlateDetector/Configuration/plateFields``): video turns it on for its high-resolution
/// passes on wide frames.
public struct PlateFieldSearch: Sendable, Hashable {
    /// Text boxes wider or taller than this many times their other side are lines of text,
    /// the verifier's: only squarish boxes are searched.
    public var maximumTextAspect: Double = 2.5
    /// The box is grown by this fraction of its size on each side before searching: the
    /// detector's blob can be slightly smaller than the plate.
    public var cropGrowthFraction: Double = 0.2
    /// The grown box is resampled (never enlarged) until its longer side is at most this.
    public var sampleSide = 128
    /// The field covers at least this fraction of the grown box …
    public var minimumAreaFraction: Double = 0.04
    /// … and at most this (a field that fills the box is the car, not a plate on it).
    public var maximumAreaFraction: Double = 0.6
    /// The field, its rows' gaps filled, covers at least this fraction of its turned bounding
    /// rectangle (a plate seen at an angle is still a parallelogram).
    public var minimumRectangularity: Double = 0.8
    /// The turned rectangle's longer side is at most this many times its shorter (a plate
    /// seen from the side is foreshortened towards 1; EU plates are 4.7).
    public var maximumAspect: Double = 5.5
    /// The marks on the field: after Otsu's threshold over the field's own pixels, the
    /// smaller class is at least this fraction of them …
    public var minimumMarkFraction: Double = 0.05
    /// … at most this …
    public var maximumMarkFraction: Double = 0.4
    /// … and the two classes' mean luma differs by at least this (0…255): on the fisheye
    /// clip's readable plates 22–40; a blank field (a lamp, a window) has only noise.
    public var minimumMarkContrast: Double = 16
    /// The plate box is the field's turned rectangle grown by this many of its shorter sides
    /// (the frame around the field), then its axis-aligned bounding box.
    public var marginInShortSides: Double = 0.1

    /// The defaults, measured on the fisheye lp clip.
    public init() {}

    /// The plate box (image pixels) around the field inside the text box `text`, or nil when
    /// the box is not squarish or holds no such field.
    ///
    /// - Complexity: O(*w* · *h*) of the resampled box (at most ``sampleSide``²).
    public func plateBox(aroundText text: Box, in image: Image) -> Box? {
        guard text.width > 0, text.height > 0,
            max(text.width / text.height, text.height / text.width) <= maximumTextAspect
        else { return nil }
        let grown = Box(
            minX: text.minX - cropGrowthFraction * text.width, minY: text.minY - cropGrowthFraction * text.height,
            maxX: text.maxX + cropGrowthFraction * text.width, maxY: text.maxY + cropGrowthFraction * text.height)
        let crop = Box(
            minX: max(0, grown.minX.rounded(.down)), minY: max(0, grown.minY.rounded(.down)),
            maxX: min(Double(image.width), grown.maxX.rounded(.up)),
            maxY: min(Double(image.height), grown.maxY.rounded(.up)))
        guard crop.width >= 8, crop.height >= 8 else { return nil }
        let scale = min(1, Double(sampleSide) / max(crop.width, crop.height))
        let columns = max(8, Int((crop.width * scale).rounded()))
        let rows = max(8, Int((crop.height * scale).rounded()))
        guard
            let sample = try? image.cropped(to: crop).resized(
                to: PixelSize(width: columns, height: rows), interpolation: .area)
        else { return nil }
        var gray = [UInt8](repeating: 0, count: rows * columns)
        for index in gray.indices {
            let luma =
                0.114 * Double(sample.pixels[index * 3]) + 0.587 * Double(sample.pixels[index * 3 + 1])
                + 0.299 * Double(sample.pixels[index * 3 + 2])
            gray[index] = UInt8(min(255, max(0, luma + 0.5)))
        }
        let threshold = PlateFeatures.otsuThreshold(gray)
        let isDark = gray.map { $0 <= threshold }
        for polarity in [isDark.map { !$0 }, isDark] {
            guard let field = field(in: polarity, gray: gray, columns: columns, rows: rows) else { continue }
            let (scaleX, scaleY) = (crop.width / Double(columns), crop.height / Double(rows))
            let box = field.boundingBox
            // Sample pixel i spans [i, i + 1): its centre, where the rectangle's corners lie, is i + 0.5.
            return Box(
                minX: crop.minX + (box.minX + 0.5) * scaleX, minY: crop.minY + (box.minY + 0.5) * scaleY,
                maxX: crop.minX + (box.maxX + 0.5) * scaleX, maxY: crop.minY + (box.maxY + 0.5) * scaleY
            ).clamped(to: image.size.bounds)
        }
        return nil
    }

    /// The plate field (sample pixels, margin included) among the set pixels of `isSet`: its
    /// largest component, when it passes every test above.
    private func field(in isSet: [Bool], gray: [UInt8], columns: Int, rows: Int) -> RotatedRect? {
        guard
            let largest = ConnectedComponents.label(isSet, width: columns, height: rows)
                .max(by: { $0.pixelCount < $1.pixelCount }),
            largest.minX > 0, largest.minY > 0, largest.maxX < columns - 1, largest.maxY < rows - 1
        else { return nil }
        let areaFraction = Double(largest.pixelCount) / Double(columns * rows)
        guard areaFraction >= minimumAreaFraction, areaFraction <= maximumAreaFraction,
            let rectangle = RotatedRect.minimumArea(enclosing: largest.rowExtremes)
        else { return nil }
        // Pixel indices are centres: the region reaches half a pixel beyond them.
        let (long, short) = (max(rectangle.width, rectangle.height) + 1, min(rectangle.width, rectangle.height) + 1)
        guard long / short <= maximumAspect else { return nil }
        // The field's rows with their gaps (the marks on it) filled.
        var values: [UInt8] = []
        var index = 0
        while index + 1 < largest.rowExtremes.count {
            let (left, right) = (largest.rowExtremes[index], largest.rowExtremes[index + 1])
            let row = Int(left.y) * columns
            values += gray[(row + Int(left.x))...(row + Int(right.x))]
            index += 2
        }
        guard Double(values.count) >= minimumRectangularity * long * short else { return nil }
        let markThreshold = PlateFeatures.otsuThreshold(values)
        var (low, high) = ((sum: 0.0, count: 0.0), (sum: 0.0, count: 0.0))
        for value in values {
            if value <= markThreshold {
                low = (low.sum + Double(value), low.count + 1)
            } else {
                high = (high.sum + Double(value), high.count + 1)
            }
        }
        guard low.count > 0, high.count > 0 else { return nil }
        let markFraction = min(low.count, high.count) / Double(values.count)
        guard markFraction >= minimumMarkFraction, markFraction <= maximumMarkFraction,
            high.sum / high.count - low.sum / low.count >= minimumMarkContrast
        else { return nil }
        return rectangle.grown(by: 0.5 + marginInShortSides * short)
    }
}
