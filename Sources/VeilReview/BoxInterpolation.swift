public import VeilGeometry

/// The arithmetic of corrections: carrying points with a box, and spreading one
/// frame's correction to the frames around it.
public enum BoxInterpolation {
    /// Largest coordinate or side accepted (pixels): far beyond any video, small enough that
    /// sums and products stay finite.
    public static let maximumCoordinate = Box.maximumCoordinate

    /// `point` moved from `source` to `target`: same relative position inside the box.
    public static func map(_ point: Point, from source: Box, to target: Box) -> Point {
        let scaleX = source.width > 0 ? target.width / source.width : 1
        let scaleY = source.height > 0 ? target.height / source.height : 1
        return Point(
            x: target.center.x + (point.x - source.center.x) * scaleX,
            y: target.center.y + (point.y - source.center.y) * scaleY)
    }

    /// The correction that turns `old` into `new`, applied with `weight` (0: none, 1: all) to
    /// `box`: its centre moves by `weight` × the centre's shift, its sides scale by
    /// 1 + `weight` × (ratio − 1). Sides stay positive for any weight in 0…1.
    ///
    /// For example, moving a 10 × 10 box 20 px right and doubling it, at weight 0.5 a
    /// neighbouring 10 × 10 box moves 10 px right and becomes 15 × 15.
    public static func corrected(_ box: Box, old: Box, new: Box, weight: Double) -> Box {
        let shiftX = new.center.x - old.center.x
        let shiftY = new.center.y - old.center.y
        let width = box.width * (1 + weight * (new.width / old.width - 1))
        let height = box.height * (1 + weight * (new.height / old.height - 1))
        return Box(
            center: Point(x: box.center.x + weight * shiftX, y: box.center.y + weight * shiftY),
            width: width, height: height)
    }

    static func isUsable(_ value: Double) -> Bool { value.isFinite && abs(value) <= maximumCoordinate }

    /// Refuses boxes that are not finite, not positive, or absurdly large.
    public static func check(_ box: Box) throws(ReviewError) {
        guard [box.x, box.y, box.width, box.height].allSatisfy(isUsable) else {
            throw .invalidBox("coordinates must be finite and within ±\(Int(maximumCoordinate)) px")
        }
        guard box.width > 0, box.height > 0 else {
            throw .invalidBox("width and height must be positive (got \(box.width)×\(box.height))")
        }
    }
}
