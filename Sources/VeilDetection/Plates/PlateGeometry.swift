public import VeilGeometry

/// Grows a text box (the characters) to the plate around it, and merges boxes of one plate.
///
/// Text detectors box the characters; the plate frame extends past them (the EU band on the
/// left, the city line above Brazilian plates, the frame). The margins are in units of the
/// text box's height, so they scale with the plate whatever the photo's resolution.
///
/// ```swift
/// let geometry = PlateGeometry()
/// geometry.plateBox(aroundText: Box(x: 100, y: 50, width: 80, height: 20))
/// // (88.0, 40.0, 104.0×34.0)
/// ```
public struct PlateGeometry: Sendable, Hashable {
    /// Added left and right, in text heights. 0.6 was the smallest value on the grid
    /// {0.2…1.0} that, with the vertical margins below, gave coverage recall ≥ 0.98 on the
    /// train half of the dev set (docs/PLATES.md). Raising it covers wider frames (EU band)
    /// at the cost of masking more car body; lowering it risks leaving the band's country
    /// code or the frame's edge unmasked.
    public var horizontalMarginInTextHeights: Double = 0.6
    /// Added above, in text heights: covers the city line of older Brazilian plates.
    public var topMarginInTextHeights: Double = 0.5
    /// Added below, in text heights.
    public var bottomMarginInTextHeights: Double = 0.2
    /// Two plate boxes are merged into their union when they overlap by more than this
    /// fraction of the smaller one (a plate's city line and its characters are two text boxes).
    public var mergeOverlapFraction: Double = 0.5
    /// Two plate boxes one above the other are lines of one stacked plate (a region name,
    /// the characters, a slogan, each found on its own) and are joined into their union when
    /// the vertical gap between them is at most this many heights of the taller, half of the
    /// narrower lies over the other, and neither is more than ``maximumStackWidthRatio`` times
    /// as wide as the other. 0 turns joining off. On issue 15's stacked variant 1.5 joins the
    /// region-name and slogan masks that otherwise leave the characters between them
    /// partly bare; raising it joins a plate with a sticker or sign farther above or below.
    public var stackGapInPlateHeights: Double = 1.5
    /// See ``stackGapInPlateHeights``.
    public var maximumStackWidthRatio: Double = 2.5

    /// The tuned defaults.
    public init() {}

    /// The plate box around one text box.
    public func plateBox(aroundText text: Box) -> Box {
        Box(
            minX: text.minX - text.height * horizontalMarginInTextHeights,
            minY: text.minY - text.height * topMarginInTextHeights,
            maxX: text.maxX + text.height * horizontalMarginInTextHeights,
            maxY: text.maxY + text.height * bottomMarginInTextHeights
        )
    }

    /// The plate box (axis-aligned) around tilted text: the same margins, in heights of the
    /// turned rectangle's shorter side, applied along and across it. Margins taken from the
    /// axis-aligned box would grow with the tilt, not with the plate.
    public func plateBox(aroundTurnedText text: RotatedRect) -> Box {
        let height = text.shortSide
        var grown = text
        let along = 2 * height * horizontalMarginInTextHeights
        let across = height * (topMarginInTextHeights + bottomMarginInTextHeights)
        if text.width >= text.height {
            grown.width += along
            grown.height += across
        } else {
            grown.height += along
            grown.width += across
        }
        return grown.boundingBox
    }

    /// The detections with boxes stacked as lines of one plate (``stackGapInPlateHeights``,
    /// judged pair by pair on the boxes as found) joined into unions (highest score kept),
    /// highest score first. `lines` (plate boxes around text that is no plate by itself, such
    /// as a slogan in mixed case) join a stack as its other lines do, but a stack of such
    /// lines alone is dropped.
    ///
    /// - Complexity: O(*n*²) for *n* detections and lines; a handful per image.
    public func stacked(_ detections: [Detection], joining lines: [Detection] = []) -> [Detection] {
        guard stackGapInPlateHeights > 0 else { return detections }
        let all = detections + lines
        // Groups of boxes linked pairwise (not through their growing unions, whose height
        // would reach ever farther).
        var group = Array(all.indices)
        func root(_ index: Int) -> Int { group[index] == index ? index : root(group[index]) }
        for first in all.indices {
            for second in all.indices where second > first {
                if isStacked(all[first].box, all[second].box) {
                    group[root(second)] = root(first)
                }
            }
        }
        let joined = Dictionary(grouping: all.indices, by: root).values.compactMap { members -> Detection? in
            let plates = members.filter { $0 < detections.count }
            guard let best = plates.max(by: { all[$0].score < all[$1].score }) else { return nil }
            var detection = all[best]
            detection.box = members.reduce(detection.box) { $0.union(all[$1].box) }
            return detection
        }
        return joined.sorted { $0.score > $1.score }
    }

    /// Whether `a` and `b` are lines of one stacked plate (``stackGapInPlateHeights``).
    func isStacked(_ a: Box, _ b: Box) -> Bool {
        let narrower = min(a.width, b.width)
        guard narrower > 0, max(a.width, b.width) <= maximumStackWidthRatio * narrower else { return false }
        let overlap = min(a.maxX, b.maxX) - max(a.minX, b.minX)
        let gap = max(a.minY, b.minY) - min(a.maxY, b.maxY)
        return overlap >= 0.5 * narrower && gap <= stackGapInPlateHeights * max(a.height, b.height)
    }

    /// The detections with overlapping boxes merged into unions (highest score kept), until
    /// no two overlap by more than ``mergeOverlapFraction`` of the smaller.
    ///
    /// - Complexity: O(*n*³) in the worst case; *n* is a handful of plates per image.
    public func merged(_ detections: [Detection]) -> [Detection] {
        var result = detections.sorted { $0.score > $1.score }
        var index = 0
        while index < result.count {
            var didMerge = false
            var other = index + 1
            while other < result.count {
                let a = result[index].box
                let b = result[other].box
                let overlap = a.intersection(b)?.area ?? 0
                if overlap > mergeOverlapFraction * min(a.area, b.area) {
                    result[index].box = a.union(b)
                    result.remove(at: other)
                    didMerge = true
                } else {
                    other += 1
                }
            }
            if !didMerge { index += 1 }
        }
        return result
    }
}
