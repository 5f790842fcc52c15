import Foundation
public import VeilGeometry
public import VeilMedia

/// One text region the detector found, in image pixels.
public struct PlateText: Sendable, Hashable {
    /// The text's bounding box.
    public var box: Box
    /// The detector's box score.
    public var score: Double
    /// The turned rectangle the detector fitted, when known (nil for joined pieces).
    public var rotated: RotatedRect?

    /// A text region.
    public init(box: Box, score: Double, rotated: RotatedRect? = nil) {
        self.box = box
        self.score = score
        self.rotated = rotated
    }

    /// The text turned upright (its longer side horizontal), nearest-neighbour sampled, when
    /// it is tilted by more than `minimumTiltDegrees`; nil otherwise. Plates seen from the
    /// side or through a fisheye lens are tilted; their axis-aligned box is mostly background.
    ///
    /// - Complexity: O(*w* · *h*) of the rectangle.
    public func upright(in image: Image, minimumTiltDegrees: Double = 6) -> Image? {
        guard let rotated else { return nil }
        var angle = rotated.angle
        var (long, short) = (rotated.width, rotated.height)
        if short > long {
            (long, short) = (short, long)
            angle += .pi / 2
        }
        while angle > .pi / 2 { angle -= .pi }
        while angle <= -.pi / 2 { angle += .pi }
        guard abs(angle) * 180 / .pi > minimumTiltDegrees else { return nil }
        let columns = Int(long.rounded())
        let rows = Int(short.rounded())
        guard columns >= 4, rows >= 4, columns * rows <= 4_000_000 else { return nil }
        let (cosine, sine) = (cos(angle), sin(angle))
        var pixels = [UInt8](repeating: 0, count: columns * rows * 3)
        image.pixels.withUnsafeBufferPointer { source in
            for row in 0..<rows {
                let v = Double(row) - Double(rows) / 2 + 0.5
                for column in 0..<columns {
                    let u = Double(column) - Double(columns) / 2 + 0.5
                    let x = Int((rotated.center.x + u * cosine - v * sine).rounded(.down))
                    let y = Int((rotated.center.y + u * sine + v * cosine).rounded(.down))
                    let clampedX = min(image.width - 1, max(0, x))
                    let clampedY = min(image.height - 1, max(0, y))
                    let from = (clampedY * image.width + clampedX) * 3
                    let to = (row * columns + column) * 3
                    pixels[to] = source[from]
                    pixels[to + 1] = source[from + 1]
                    pixels[to + 2] = source[from + 2]
                }
            }
        }
        return Image(size: PixelSize(width: columns, height: rows), pixels: pixels)
    }
}

/// Real plate layouts as the text detector sees them: characters split into pieces of one
/// line, and characters boxed together with a region name above and a slogan below.
///
/// ```swift
/// let lines = PlateCharacterLines()
/// lines.joined([PlateText(box: Box(x: 0, y: 0, width: 40, height: 20), score: 0.8),
///               PlateText(box: Box(x: 48, y: 1, width: 40, height: 19), score: 0.7)])
/// // one text: (0, 0, 88×20), score 0.8, plus the two pieces
/// if let characters = lines.tallestCharacterLine(in: box, of: image) { … }
/// ```
///
/// The verifier (``PlateVerifier``) was fit on boxes around one line of characters; this
/// hands it such boxes when the detector did not: pieces are joined, and inside a taller box
/// the line of the tallest character-like components is taken (plates' characters are the
/// largest text on them).
public struct PlateCharacterLines: Sendable, Hashable {
    /// Two pieces are one line when they overlap vertically by at least this fraction of the
    /// shorter one's height.
    public var minimumVerticalOverlap: Double = 0.6
    /// … and their heights differ by at most this factor …
    public var maximumHeightRatio: Double = 1.5
    /// … and the horizontal gap between them is at most this many heights of the taller
    /// (plates: the gap of a hyphen or a badge; words of a sign are often farther apart).
    public var maximumGapInHeights: Double = 0.8
    /// Rows a text box is resampled to before looking for characters.
    public var sampleHeight = 48
    /// Characters are at least this fraction of the box's height (a US plate's characters
    /// are ~45 % of it; its region name ~15 %, its slogan ~12 %).
    public var minimumCharacterFraction: Double = 0.25
    /// A line of characters stands for the text box around it only when the box is at most
    /// this many (padded) lines tall: a plate with a region name and a slogan is about 2;
    /// taller boxes are signs or car fronts, and masking all of them costs too much.
    public var maximumBoxHeightInLines: Double = 2.5
    /// A line needs at least this many characters.
    public var minimumCharacters = 3
    /// The box handed to the verifier extends past the characters by this many character
    /// heights above and below (the detector's own boxes carry about this much padding).
    public var verticalPaddingInHeights: Double = 0.25
    /// … and by this many left and right.
    public var horizontalPaddingInHeights: Double = 0.3
    /// Text the verifier rejected is joined to an accepted line of characters when it lies
    /// within this many heights of that line above and below it (and within the plate's
    /// width): a stacked plate's region name and slogan (issue 15's stacked variant: ~0.9
    /// heights above, ~0.8 below), or the whole stacked plate boxed as one. Raising it joins
    /// more of what surrounds a plate (a dealer's sticker, a bumper sign) into its mask;
    /// 0 turns joining off.
    public var addedLineReachInHeights: Double = 1.5

    /// The defaults.
    public init() {}

    /// The texts with pieces of one line joined into one text (best score kept); joined
    /// pieces are also returned on their own, so a plate still passes when one piece does.
    ///
    /// - Complexity: O(*n*²) for *n* texts.
    public func joined(_ texts: [PlateText]) -> [PlateText] {
        var groups = texts.map { [$0] }
        var didJoin = true
        while didJoin {
            didJoin = false
            search: for first in groups.indices {
                for second in groups.indices where second > first {
                    if isSameLine(box(of: groups[first]), box(of: groups[second])) {
                        groups[first] += groups.remove(at: second)
                        didJoin = true
                        break search
                    }
                }
            }
        }
        return groups.flatMap { group in
            let joined = PlateText(box: box(of: group), score: group.map(\.score).max() ?? 0)
            return group.count == 1 ? group : [joined] + group
        }
    }

    private func box(of group: [PlateText]) -> Box {
        group.dropFirst().reduce(group[0].box) { $0.union($1.box) }
    }

    /// Whether the text box `text` is a line added to the plate `plate` around the line of
    /// characters `characters`: it lies within ``addedLineReachInHeights`` of the characters
    /// above and below, within half a character height of the plate's left and right edges,
    /// and half of it (or of the characters, when narrower) lies over the characters.
    public func isAddedLine(_ text: Box, to characters: Box, plate: Box) -> Bool {
        let height = characters.height
        guard height > 0, addedLineReachInHeights > 0 else { return false }
        let reach = addedLineReachInHeights * height
        let overlap = min(text.maxX, characters.maxX) - max(text.minX, characters.minX)
        return text.minY >= characters.minY - reach && text.maxY <= characters.maxY + reach
            && text.minX >= plate.minX - height / 2 && text.maxX <= plate.maxX + height / 2
            && overlap >= 0.5 * min(text.width, characters.width)
    }

    /// Whether `a` and `b` are pieces of one line of characters.
    func isSameLine(_ a: Box, _ b: Box) -> Bool {
        let shorter = min(a.height, b.height)
        let taller = max(a.height, b.height)
        guard shorter > 0, taller / shorter <= maximumHeightRatio else { return false }
        let verticalOverlap = min(a.maxY, b.maxY) - max(a.minY, b.minY)
        guard verticalOverlap >= minimumVerticalOverlap * shorter else { return false }
        let gap = max(a.minX, b.minX) - min(a.maxX, b.maxX)
        return gap <= maximumGapInHeights * taller
    }

    /// The box (image pixels, padded as the detector pads text) around the tallest line of
    /// character-like components inside `box`, or nil when there is no such line or it is the
    /// whole box already.
    ///
    /// Components are taken in both polarities (dark on light and light on dark) after
    /// Otsu's threshold; a component is character-like when it is at least
    /// ``minimumCharacterFraction`` of the box tall, no wider than 1.2 × its height, and
    /// touches neither the top nor the bottom edge. A line is characters of similar height
    /// (within 1.4 ×) whose centres lie within half a height of each other.
    ///
    /// - Complexity: O(*w* · *h*) of the resampled box.
    public func tallestCharacterLine(in box: Box, of image: Image) -> Box? {
        let integral = Box(
            minX: max(0, box.minX.rounded()),
            minY: max(0, box.minY.rounded()),
            maxX: min(Double(image.width), box.maxX.rounded()),
            maxY: min(Double(image.height), box.maxY.rounded())
        )
        guard integral.width >= 4, integral.height >= 8 else { return nil }
        let rows = sampleHeight
        let columns = min(rows * 16, max(1, Int((integral.width * Double(rows) / integral.height).rounded())))
        guard
            let sample = try? image.cropped(to: integral)
                .resized(to: PixelSize(width: columns, height: rows), interpolation: .area)
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
        var best: (height: Double, count: Int, box: CharacterBox)?
        for polarity in [isDark, isDark.map { !$0 }] {
            let characters = ConnectedComponents.label(polarity, width: columns, height: rows)
                .filter { isCharacterLike($0, rows: rows) }
                .map { CharacterBox(minX: $0.minX, minY: $0.minY, maxX: $0.maxX + 1, maxY: $0.maxY + 1) }
            for line in Self.lines(of: characters) where line.count >= minimumCharacters {
                let heights = line.map(\.height).sorted()
                let median = Double(heights[heights.count / 2])
                if best == nil || median > best!.height || median == best!.height && line.count > best!.count {
                    let bounds = line.dropFirst().reduce(line[0]) { $0.union($1) }
                    best = (median, line.count, bounds)
                }
            }
        }
        guard let best else { return nil }
        let scale = integral.height / Double(rows)
        let height = Double(best.box.height) * scale
        let line = Box(
            minX: integral.minX + Double(best.box.minX) * integral.width / Double(columns)
                - horizontalPaddingInHeights * height,
            minY: integral.minY + Double(best.box.minY) * scale - verticalPaddingInHeights * height,
            maxX: integral.minX + Double(best.box.maxX) * integral.width / Double(columns)
                + horizontalPaddingInHeights * height,
            maxY: integral.minY + Double(best.box.maxY) * scale + verticalPaddingInHeights * height
        ).clamped(to: integral)
        // Only a line clearly shorter than the box is news to the verifier.
        return line.height < 0.8 * integral.height ? line : nil
    }

    private func isCharacterLike(_ component: ConnectedComponent, rows: Int) -> Bool {
        Double(component.height) >= minimumCharacterFraction * Double(rows)
            && Double(component.width) <= 1.2 * Double(component.height)
            && component.minY > 0 && component.maxY < rows - 1
    }

    /// Characters grouped into lines: similar heights, centres within half a height.
    static func lines(of characters: [CharacterBox]) -> [[CharacterBox]] {
        var lines: [[CharacterBox]] = []
        for character in characters.sorted(by: { $0.height > $1.height }) {
            let centre = Double(character.minY + character.maxY) / 2
            let match = lines.firstIndex { line in
                let reference = line[0]
                let referenceCentre = Double(reference.minY + reference.maxY) / 2
                return Double(reference.height) <= 1.4 * Double(character.height)
                    && abs(centre - referenceCentre) <= 0.5 * Double(reference.height)
            }
            if let match { lines[match].append(character) } else { lines.append([character]) }
        }
        return lines
    }
}

/// A character's bounding box in sample pixels, maxima exclusive.
struct CharacterBox: Sendable, Hashable {
    var minX: Int, minY: Int, maxX: Int, maxY: Int

    var height: Int { maxY - minY }

    func union(_ other: CharacterBox) -> CharacterBox {
        CharacterBox(
            minX: min(minX, other.minX), minY: min(minY, other.minY), maxX: max(maxX, other.maxX),
            maxY: max(maxY, other.maxY))
    }
}
