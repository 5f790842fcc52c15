import Foundation
public import VeilGeometry
public import VeilMedia

/// Hand-made measurements of a text box that tell a plate from other text.
///
/// Measured on the box's pixels resampled to ``sampleHeight`` rows (area averaging), so they
/// do not depend on the photo's resolution. Mirrors `scripts/plates/features.py`.
public struct PlateFeatures: Sendable, Hashable {
    /// Rows the text box is resampled to before measuring.
    public static let sampleHeight = 24

    /// ln(width / height) of the text box: plates' character rows are long and flat.
    public var logAspect: Double
    /// The text detector's box score.
    public var textScore: Double
    /// Mean luma, 0…1.
    public var meanLuma: Double
    /// Standard deviation of luma, 0…1: plates are high-contrast.
    public var contrast: Double
    /// Fraction of pixels at or below the Otsu threshold.
    public var darkFraction: Double
    /// Dark/light transitions per row through the middle half, per text height of width.
    public var transitionsPerHeight: Double
    /// Glyph-like components (35–95 % of the height, at most 1.2 heights wide) per text
    /// height of width, in whichever polarity has more of them.
    public var glyphsPerHeight: Double
    /// Standard deviation over mean of those glyphs' heights (1 when fewer than two): a
    /// plate's characters are all one height.
    public var glyphHeightSpread: Double
    /// Mean HSV saturation, 0…1.
    public var saturation: Double
    /// Surroundings: the fraction of pixels in bands above and below the box (from
    /// ``surroundingBandInHeights`` box heights away) whose colour is within
    /// ``fieldColourTolerance`` of the field's colour in every channel (the background
    /// around the characters, told from the ink as ``FieldEstimate/soonestEnding`` says). A
    /// plate's field ends at its frame, just past the characters; a sign's or banner's runs on.
    public var fieldBeyond: Double
    /// Surroundings: |field luma − mean luma of those bands| / 255: a plate stands out
    /// from the car around it.
    public var surroundContrast: Double
    /// How many glyph-like components the box holds (not a regression input: the verifier
    /// caps it, a plate's line has at most about ten characters).
    public var glyphCount: Int
    /// How many of those glyphs are lower-case letters by their place in the line
    /// (``lowercaseGlyphCount(_:)``; not a regression input: plates are set in capitals and
    /// digits, words on signs and badges are not).
    public var lowercaseGlyphCount: Int

    /// The values in the order the verifier's weights use.
    public var values: [Double] {
        [
            logAspect, textScore, meanLuma, contrast, darkFraction, transitionsPerHeight, glyphsPerHeight,
            glyphHeightSpread, saturation, fieldBeyond, surroundContrast,
        ]
    }

    /// The bands measured for the surroundings features start and end this many box heights
    /// above the box (and below it).
    public static let surroundingBandInHeights = (near: 0.25, far: 0.75)
    /// Channel difference, 0…255, within which a surrounding pixel has the background's colour.
    public static let fieldColourTolerance = 28.0
    /// The surroundings features of a box with no image around it (a turned-upright crop,
    /// a box at the photo's edges): the median of the plates the verifier was fit on, so
    /// that unmeasured surroundings count neither for nor against a plate.
    public static let unmeasuredSurroundings = (fieldBeyond: 0.15, surroundContrast: 0.24)

    /// How the colour of the box's background (a plate's field) is told from its ink, for the
    /// surroundings features.
    enum FieldEstimate: CaseIterable {
        /// The larger class after Otsu's threshold. Wrong on tight boxes of bold characters,
        /// where the ink covers most of the box (issue 15's refit lost plates that way).
        case largerClass
        /// The class that holds most of the box's outermost rows and columns: a text box's
        /// border runs between and around the characters, through the field.
        case borderClass
        /// The class opposite to the glyph-like components' (the larger class when there
        /// are none).
        case nonGlyphClass
        /// Of the classes the three estimates above name, the one whose colour runs on least
        /// beyond the box (the default). Each estimate can mistake the ink or the car for the
        /// field (bold characters, a box taller than the plate, no glyphs found); a sign's or
        /// a banner's field is the field by all three, so it still runs on.
        case soonestEnding
    }

    /// Which of the resampled box's rows Otsu's threshold is computed over (ink from field).
    public enum ThresholdRows: Sendable, Hashable {
        /// Every row: what the verifier was fit on.
        case all
        /// The middle rows only, ``middleRowsMargin`` of them left out above and below. A box
        /// that holds a third tone (a plate boxed with its bright chrome frame or bumper) can
        /// put the field and the characters on one side of the whole box's threshold; its
        /// middle rows are field and characters.
        case middle
    }

    /// The fraction of rows ``ThresholdRows/middle`` leaves out above and below.
    public static let middleRowsMargin = 0.2

    /// Measures the text box `box` (image pixels) of `image`, or nil when the box holds no
    /// pixels. `thresholdRows`: which rows tell ink from field (``ThresholdRows/all``, as the
    /// verifier was fit, by default).
    public init?(textBox box: Box, textScore: Double, in image: Image, thresholdRows: ThresholdRows = .all) {
        self.init(
            textBox: box, textScore: textScore, in: image, fieldEstimate: .soonestEnding, thresholdRows: thresholdRows)
    }

    /// ``init(textBox:textScore:in:thresholdRows:)`` with the background told from the ink by
    /// `fieldEstimate` (the training dump compares the estimates).
    init?(
        textBox box: Box, textScore: Double, in image: Image, fieldEstimate: FieldEstimate,
        thresholdRows: ThresholdRows = .all
    ) {
        let integral = Box(
            minX: max(0, box.minX.rounded()),
            minY: max(0, box.minY.rounded()),
            maxX: min(Double(image.width), box.maxX.rounded()),
            maxY: min(Double(image.height), box.maxY.rounded())
        )
        guard integral.width >= 1, integral.height >= 1 else { return nil }
        let rows = Self.sampleHeight
        let columns = max(1, Int((integral.width * Double(rows) / integral.height).rounded()))
        guard
            let sample = try? image.cropped(to: integral)
                .resized(to: PixelSize(width: columns, height: rows), interpolation: .area)
        else { return nil }

        var luma = [Double](repeating: 0, count: rows * columns)
        var gray = [UInt8](repeating: 0, count: rows * columns)
        var saturationSum = 0.0
        for index in luma.indices {
            let blue = Double(sample.pixels[index * 3])
            let green = Double(sample.pixels[index * 3 + 1])
            let red = Double(sample.pixels[index * 3 + 2])
            luma[index] = 0.114 * blue + 0.587 * green + 0.299 * red
            gray[index] = UInt8(min(255, max(0, luma[index] + 0.5)))
            let high = max(blue, green, red)
            saturationSum += high > 0 ? (high - min(blue, green, red)) / high : 0
        }
        let count = Double(luma.count)
        let mean = luma.reduce(0, +) / count
        let variance = luma.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count

        let threshold: UInt8
        switch thresholdRows {
        case .all: threshold = Self.otsuThreshold(gray)
        case .middle:
            let margin = Int((Double(rows) * Self.middleRowsMargin).rounded())
            threshold = Self.otsuThreshold(Array(gray[(margin * columns)..<((rows - margin) * columns)]))
        }
        let isDark = gray.map { $0 <= threshold }
        var transitions = 0
        for row in rows / 4..<3 * rows / 4 {
            for column in 1..<max(1, columns) {
                let index = row * columns + column
                if isDark[index] != isDark[index - 1] { transitions += 1 }
            }
        }
        let aspect = Double(columns) / Double(rows)
        let darkGlyphs = Self.glyphs(isDark, width: columns, height: rows)
        let lightGlyphs = Self.glyphs(isDark.map { !$0 }, width: columns, height: rows)
        let glyphComponents = darkGlyphs.count >= lightGlyphs.count ? darkGlyphs : lightGlyphs
        let glyphs = glyphComponents.map(\.height)

        logAspect = log(integral.width / integral.height)
        self.textScore = textScore
        meanLuma = mean / 255
        contrast = variance.squareRoot() / 255
        darkFraction = Double(isDark.filter { $0 }.count) / count
        transitionsPerHeight = Double(transitions) / Double(rows / 2) / aspect
        glyphsPerHeight = Double(glyphs.count) / aspect
        glyphCount = glyphs.count
        lowercaseGlyphCount = Self.lowercaseGlyphCount(glyphComponents)
        glyphHeightSpread = Self.spread(glyphs)
        saturation = saturationSum / count

        // Which Otsu class is the field (true: the dark one), by each way of telling it.
        let isFieldDark = (
            larger: darkFraction >= 0.5,
            border: Self.isBorderMostlySet(isDark, width: columns, height: rows),
            nonGlyph: glyphs.isEmpty ? darkFraction >= 0.5 : darkGlyphs.count < lightGlyphs.count
        )
        let fieldClasses: [Bool]
        switch fieldEstimate {
        case .largerClass: fieldClasses = [isFieldDark.larger]
        case .borderClass: fieldClasses = [isFieldDark.border]
        case .nonGlyphClass: fieldClasses = [isFieldDark.nonGlyph]
        case .soonestEnding:
            fieldClasses = [false, true].filter {
                [isFieldDark.larger, isFieldDark.border, isFieldDark.nonGlyph].contains($0)
            }
        }
        var surroundings: (fieldBeyond: Double, contrast: Double)?
        for isFieldClassDark in fieldClasses {
            var sum = (blue: 0.0, green: 0.0, red: 0.0, count: 0.0)
            for index in isDark.indices where isDark[index] == isFieldClassDark {
                sum.blue += Double(sample.pixels[index * 3])
                sum.green += Double(sample.pixels[index * 3 + 1])
                sum.red += Double(sample.pixels[index * 3 + 2])
                sum.count += 1
            }
            let count = max(1, sum.count)
            let field = (blue: sum.blue / count, green: sum.green / count, red: sum.red / count)
            guard let measured = Self.surroundings(of: integral, in: image, field: field) else { continue }
            if let best = surroundings,
                best.fieldBeyond < measured.fieldBeyond
                    || (best.fieldBeyond == measured.fieldBeyond && best.contrast >= measured.contrast)
            {
                continue
            }
            surroundings = measured
        }
        fieldBeyond = surroundings?.fieldBeyond ?? Self.unmeasuredSurroundings.fieldBeyond
        surroundContrast = surroundings?.contrast ?? Self.unmeasuredSurroundings.surroundContrast
    }

    /// The surroundings features of `box`, or nil when neither band lies inside the image.
    private static func surroundings(
        of box: Box, in image: Image, field: (blue: Double, green: Double, red: Double)
    ) -> (fieldBeyond: Double, contrast: Double)? {
        let (near, far) = surroundingBandInHeights
        let bands = [
            Box(minX: box.minX, minY: box.minY - far * box.height, maxX: box.maxX, maxY: box.minY - near * box.height),
            Box(minX: box.minX, minY: box.maxY + near * box.height, maxX: box.maxX, maxY: box.maxY + far * box.height),
        ]
        let rows = sampleHeight / 4
        let fieldLuma = 0.114 * field.blue + 0.587 * field.green + 0.299 * field.red
        var (similar, lumaSum, total) = (0.0, 0.0, 0.0)
        for band in bands {
            let clamped = Box(
                minX: max(0, band.minX.rounded()), minY: max(0, band.minY.rounded()),
                maxX: min(Double(image.width), band.maxX.rounded()),
                maxY: min(Double(image.height), band.maxY.rounded()))
            guard clamped.width >= 1, clamped.height >= 1 else { continue }
            let columns = max(1, min(rows * 32, Int((clamped.width * Double(rows) / clamped.height).rounded())))
            guard
                let sample = try? image.cropped(to: clamped)
                    .resized(to: PixelSize(width: columns, height: rows), interpolation: .area)
            else { continue }
            for index in 0..<rows * columns {
                let blue = Double(sample.pixels[index * 3])
                let green = Double(sample.pixels[index * 3 + 1])
                let red = Double(sample.pixels[index * 3 + 2])
                let isSimilar =
                    abs(blue - field.blue) <= fieldColourTolerance && abs(green - field.green) <= fieldColourTolerance
                    && abs(red - field.red) <= fieldColourTolerance
                similar += isSimilar ? 1 : 0
                lumaSum += 0.114 * blue + 0.587 * green + 0.299 * red
                total += 1
            }
        }
        guard total > 0 else { return nil }
        return (similar / total, abs(fieldLuma - lumaSum / total) / 255)
    }

    /// Whether most pixels of the outermost rows and columns of `isSet` (row-major) are set.
    static func isBorderMostlySet(_ isSet: [Bool], width: Int, height: Int) -> Bool {
        var (set, total) = (0, 0)
        for row in 0..<height {
            for column in 0..<width where row == 0 || row == height - 1 || column == 0 || column == width - 1 {
                set += isSet[row * width + column] ? 1 : 0
                total += 1
            }
        }
        return 2 * set >= total
    }

    /// Otsu's threshold: the grey level that best splits the histogram into two classes.
    static func otsuThreshold(_ gray: [UInt8]) -> UInt8 {
        var histogram = [Double](repeating: 0, count: 256)
        for value in gray { histogram[Int(value)] += 1 }
        let total = Double(gray.count)
        let sumAll = histogram.indices.reduce(0.0) { $0 + Double($1) * histogram[$1] }
        var (best, threshold, weightBelow, sumBelow) = (-1.0, 0, 0.0, 0.0)
        for level in 0..<256 {
            weightBelow += histogram[level]
            guard weightBelow > 0 else { continue }
            let weightAbove = total - weightBelow
            if weightAbove == 0 { break }
            sumBelow += Double(level) * histogram[level]
            let meanBelow = sumBelow / weightBelow
            let meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best {
                best = between
                threshold = level
            }
        }
        return UInt8(threshold)
    }

    /// The glyph-sized 8-connected components of `isSet`: 35–95 % of its height, at most 1.2
    /// heights wide.
    static func glyphs(_ isSet: [Bool], width: Int, height: Int) -> [ConnectedComponent] {
        let rows = Double(height)
        return ConnectedComponents.label(isSet, width: width, height: height)
            .filter {
                Double($0.height) >= 0.35 * rows && Double($0.height) <= 0.95 * rows
                    && Double($0.width) <= 1.2 * rows
            }
    }

    /// A glyph is lower-case when a glyph within ``lowercaseNeighbourhood`` places of it along
    /// the line is at least ``lowercaseHeightRatio`` times as tall and stands on the same
    /// baseline (bottoms within ``baselineTolerance`` of the taller glyph's height): an
    /// x-height letter ("o", "n", "r" in "Mon-Fri") beside a capital, a digit or an ascender.
    static let lowercaseHeightRatio = 1.25
    /// How many places along the line are compared, each side.
    static let lowercaseNeighbourhood = 2
    /// Largest difference of the bottoms, in heights of the taller glyph, that still counts
    /// as one baseline (a text line tilted by 10° moves two places over by about twice that,
    /// so a tilted plate's equal characters are not taken for mixed case).
    static let baselineTolerance = 0.1
    /// Widest a taller glyph may be, in the line's median glyph widths, to count as a capital
    /// or an ascender. Capitals are at most ~1.7 lower-case letters wide ("W" beside "e");
    /// a component twice as wide is characters run together with something above them (a
    /// blurred plate's characters merged with the city line over them), not one letter.
    static let capitalWidthLimit = 2.0

    /// How many of `glyphs` (components of one text line) are x-height letters beside taller
    /// ones on the same baseline (``lowercaseHeightRatio``).
    ///
    /// Plates are set in capitals and digits, all one height: a broken or dirty character
    /// may give one short glyph, and a tilt shifts neighbours' baselines apart (not counted);
    /// characters merged with a line above them make a tall component too wide for one
    /// letter (``capitalWidthLimit``, not counted). Words set in mixed case ("Mon-Fri",
    /// "quattro", "xDrive") give several.
    ///
    /// - Complexity: O(*n* log *n*) for *n* glyphs.
    static func lowercaseGlyphCount(_ glyphs: [ConnectedComponent]) -> Int {
        let line = glyphs.sorted { $0.minX < $1.minX }
        guard !line.isEmpty else { return 0 }
        let widths = line.map(\.width).sorted()
        let medianWidth = Double(widths[widths.count / 2])
        return line.indices.filter { index in
            let glyph = line[index]
            let near = max(0, index - lowercaseNeighbourhood)...min(line.count - 1, index + lowercaseNeighbourhood)
            return near.contains { other in
                let taller = line[other]
                return Double(taller.height) >= lowercaseHeightRatio * Double(glyph.height)
                    && Double(abs(taller.maxY - glyph.maxY)) <= baselineTolerance * Double(taller.height)
                    && Double(taller.width) <= capitalWidthLimit * medianWidth
            }
        }.count
    }

    private static func spread(_ heights: [Int]) -> Double {
        guard heights.count >= 2 else { return 1 }
        let values = heights.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance.squareRoot() / mean
    }
}
