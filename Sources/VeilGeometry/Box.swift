/// An axis-aligned rectangle in pixel coordinates (origin top-left, y down).
///
/// The one box type that crosses module borders: detectors produce it, the tracker and the
/// mask planner consume it, and the evaluation compares it with ground truth.
///
/// ```swift
/// let face = Box(x: 10, y: 20, width: 100, height: 120)
/// face.expanded(byFraction: 0.2).width  // 140
/// ```
public struct Box: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Left edge in pixels.
    public var x: Double
    /// Top edge in pixels.
    public var y: Double
    /// Width in pixels.
    public var width: Double
    /// Height in pixels.
    public var height: Double

    /// A box from its top-left corner and size, in pixels.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// A box spanning two corners, in any order.
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.init(x: min(minX, maxX), y: min(minY, maxY), width: abs(maxX - minX), height: abs(maxY - minY))
    }

    /// A box of the given size centred on a point.
    public init(center: Point, width: Double, height: Double) {
        self.init(x: center.x - width / 2, y: center.y - height / 2, width: width, height: height)
    }

    /// The left edge.
    public var minX: Double { x }
    /// The top edge.
    public var minY: Double { y }
    /// The right edge.
    public var maxX: Double { x + width }
    /// The bottom edge.
    public var maxY: Double { y + height }
    /// The centre point.
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }
    /// Width × height (0 for an empty box).
    public var area: Double { max(0, width) * max(0, height) }
    /// Whether the box has no area.
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// The shorter side: what "a face of N pixels" means in size filters.
    public var shortSide: Double { min(width, height) }

    /// "(x, y, w×h)".
    public var description: String { "(\(x), \(y), \(width)×\(height))" }

    /// Whether a point lies inside the box (edges included).
    public func contains(_ point: Point) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    /// The overlap of two boxes, or nil when they do not overlap.
    public func intersection(_ other: Box) -> Box? {
        let left = max(minX, other.minX)
        let top = max(minY, other.minY)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return nil }
        return Box(minX: left, minY: top, maxX: right, maxY: bottom)
    }

    /// The smallest box containing both.
    public func union(_ other: Box) -> Box {
        Box(
            minX: min(minX, other.minX),
            minY: min(minY, other.minY),
            maxX: max(maxX, other.maxX),
            maxY: max(maxY, other.maxY)
        )
    }

    /// Intersection over union, 0…1.
    public func iou(_ other: Box) -> Double {
        guard let overlap = intersection(other) else { return 0 }
        let unionArea = area + other.area - overlap.area
        return unionArea > 0 ? overlap.area / unionArea : 0
    }

    /// The fraction of `other`'s area that lies inside this box, 0…1.
    public func coverage(of other: Box) -> Double {
        guard other.area > 0, let overlap = intersection(other) else { return 0 }
        return overlap.area / other.area
    }

    /// The box grown on every side by `fraction` of its own width and height
    /// (0.2 makes a 100 px box 140 px), keeping its centre.
    public func expanded(byFraction fraction: Double) -> Box {
        expanded(horizontalFraction: fraction, topFraction: fraction, bottomFraction: fraction)
    }

    /// The box grown by `margin` pixels on every side, its edges moved outwards to whole pixels
    /// (search regions grown around seeds).
    public func expandedToWholePixels(by margin: Double) -> Box {
        Box(
            minX: (minX - margin).rounded(.down),
            minY: (minY - margin).rounded(.down),
            maxX: (maxX + margin).rounded(.up),
            maxY: (maxY + margin).rounded(.up)
        )
    }

    /// The box grown by separate fractions: left and right each by `horizontalFraction` of the
    /// width, up by `topFraction` and down by `bottomFraction` of the height.
    public func expanded(horizontalFraction: Double, topFraction: Double, bottomFraction: Double) -> Box {
        Box(
            minX: minX - width * horizontalFraction,
            minY: minY - height * topFraction,
            maxX: maxX + width * horizontalFraction,
            maxY: maxY + height * bottomFraction
        )
    }

    /// The box scaled about the origin: maps detector-input coordinates to image coordinates.
    public func scaled(x scaleX: Double, y scaleY: Double) -> Box {
        Box(x: x * scaleX, y: y * scaleY, width: width * scaleX, height: height * scaleY)
    }

    /// The box moved by an offset.
    public func offsetBy(dx: Double, dy: Double) -> Box {
        Box(x: x + dx, y: y + dy, width: width, height: height)
    }

    /// The part of the box inside `bounds`; an empty box when there is none.
    public func clamped(to bounds: Box) -> Box {
        intersection(bounds) ?? Box(x: bounds.x, y: bounds.y, width: 0, height: 0)
    }

    /// The box a fraction `t` of the way from `self` to `other`, centre and sides linear: 0 gives
    /// `self`, 1 gives `other`, values outside 0…1 extrapolate (sides never below zero). Gap
    /// fill, hand-drawn regions' keyframes and review corrections all move boxes this way.
    public func interpolated(to other: Box, fraction t: Double) -> Box {
        let width = max(0, self.width + (other.width - self.width) * t)
        let height = max(0, self.height + (other.height - self.height) * t)
        let center = Point(
            x: self.center.x + (other.center.x - self.center.x) * t,
            y: self.center.y + (other.center.y - self.center.y) * t
        )
        return Box(center: center, width: width, height: height)
    }
}

extension Array where Element == Box {
    /// The boxes with every group that overlaps, directly or through the unions it forms, joined
    /// into one bounding box; no two of the result overlap. Search regions grown around seeds
    /// are merged this way, so no pixel is read twice.
    ///
    /// ```swift
    /// let regions = [Box(x: 0, y: 0, width: 10, height: 10), Box(x: 5, y: 5, width: 10, height: 10)]
    /// regions.mergingOverlaps()  // [Box(x: 0, y: 0, width: 15, height: 15)]
    /// ```
    public func mergingOverlaps() -> [Box] {
        var merged: [Box] = []
        for box in self {
            var region = box
            while let index = merged.firstIndex(where: { $0.intersection(region) != nil }) {
                region = region.union(merged.remove(at: index))
            }
            merged.append(region)
        }
        return merged
    }
}

extension Box {
    /// Largest coordinate or side accepted from a file (pixels): far beyond any picture, small
    /// enough that sums and products stay finite and convert to integers.
    public static let maximumCoordinate = 1_000_000.0

    /// Whether every coordinate is finite and within ±``maximumCoordinate`` and both sides are
    /// positive: what a box read from a tracks or review file must be.
    public var isUsable: Bool {
        [x, y, width, height].allSatisfy { $0.isFinite && abs($0) <= Self.maximumCoordinate }
            && width > 0 && height > 0
    }
}
