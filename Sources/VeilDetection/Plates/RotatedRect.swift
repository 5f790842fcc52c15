import Foundation
public import VeilGeometry

/// A rectangle turned by an angle: the shape DB post-processing fits around a text region.
///
/// ```swift
/// let rect = RotatedRect(center: Point(x: 50, y: 20), width: 80, height: 20, angle: 0)
/// rect.grown(by: 5).boundingBox  // (5.0, 5.0, 90.0×30.0)
/// ```
public struct RotatedRect: Hashable, Sendable {
    /// The centre, in pixels.
    public var center: Point
    /// The side along `angle`.
    public var width: Double
    /// The side across `angle`.
    public var height: Double
    /// Direction of the `width` side in radians (0 = along the x axis).
    public var angle: Double

    /// A rectangle rotated by `angle` degrees about its centre.
    public init(center: Point, width: Double, height: Double, angle: Double) {
        self.center = center
        self.width = width
        self.height = height
        self.angle = angle
    }

    /// Width × height.
    public var area: Double { width * height }
    /// The shorter side.
    public var shortSide: Double { min(width, height) }

    /// The four corners, in order around the rectangle.
    public var corners: [Point] {
        let (ux, uy) = (cos(angle) * width / 2, sin(angle) * width / 2)
        let (vx, vy) = (-sin(angle) * height / 2, cos(angle) * height / 2)
        return [
            Point(x: center.x - ux - vx, y: center.y - uy - vy),
            Point(x: center.x + ux - vx, y: center.y + uy - vy),
            Point(x: center.x + ux + vx, y: center.y + uy + vy),
            Point(x: center.x - ux + vx, y: center.y - uy + vy),
        ]
    }

    /// The smallest axis-aligned box containing the rectangle.
    public var boundingBox: Box {
        let points = corners
        return Box(
            minX: points.map(\.x).min()!,
            minY: points.map(\.y).min()!,
            maxX: points.map(\.x).max()!,
            maxY: points.map(\.y).max()!
        )
    }

    /// The rectangle with every side pushed out by `distance`.
    ///
    /// This is what a polygon offset with rounded joins (Clipper's `JT_ROUND`, used by DB's
    /// "unclip") followed by a minimum-area rectangle gives for a rectangle: the rounded
    /// corners never reach past the pushed-out sides.
    public func grown(by distance: Double) -> RotatedRect {
        RotatedRect(center: center, width: width + 2 * distance, height: height + 2 * distance, angle: angle)
    }

    /// Whether a point lies inside the rectangle, its sides moved out by `tolerance`.
    public func contains(_ point: Point, tolerance: Double = 0) -> Bool {
        let dx = point.x - center.x
        let dy = point.y - center.y
        let along = dx * cos(angle) + dy * sin(angle)
        let across = -dx * sin(angle) + dy * cos(angle)
        return abs(along) <= width / 2 + tolerance && abs(across) <= height / 2 + tolerance
    }

    /// The rectangle of least area containing every point (rotating calipers over the convex
    /// hull), or nil for no points. Points are pixel centres, as in OpenCV's `minAreaRect`:
    /// a single row of 10 pixels gives a 9 × 0 rectangle.
    ///
    /// - Complexity: O(*n* log *n* + *h*²) for *n* points whose hull has *h* vertices.
    public static func minimumArea(enclosing points: [Point]) -> RotatedRect? {
        let hull = convexHull(points)
        guard let first = hull.first else { return nil }
        guard hull.count > 1 else { return RotatedRect(center: first, width: 0, height: 0, angle: 0) }
        var best: RotatedRect?
        for index in hull.indices {
            let next = hull[(index + 1) % hull.count]
            let edgeX = next.x - hull[index].x
            let edgeY = next.y - hull[index].y
            let length = (edgeX * edgeX + edgeY * edgeY).squareRoot()
            guard length > 0 else { continue }
            let (ux, uy) = (edgeX / length, edgeY / length)
            var (minU, maxU, minV, maxV) = (Double.infinity, -Double.infinity, Double.infinity, -Double.infinity)
            for point in hull {
                let u = point.x * ux + point.y * uy
                let v = -point.x * uy + point.y * ux
                minU = min(minU, u)
                maxU = max(maxU, u)
                minV = min(minV, v)
                maxV = max(maxV, v)
            }
            let area = (maxU - minU) * (maxV - minV)
            if best.map({ area < $0.area - 1e-9 }) ?? true {
                let midU = (minU + maxU) / 2
                let midV = (minV + maxV) / 2
                best = RotatedRect(
                    center: Point(x: midU * ux - midV * uy, y: midU * uy + midV * ux),
                    width: maxU - minU,
                    height: maxV - minV,
                    angle: atan2(uy, ux)
                )
            }
        }
        return best
    }

    /// Andrew's monotone chain; counter-clockwise in y-down coordinates, no collinear points.
    static func convexHull(_ points: [Point]) -> [Point] {
        let sorted = Set(points).sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [Point] = []
        for point in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], point) <= 0 {
                lower.removeLast()
            }
            lower.append(point)
        }
        var upper: [Point] = []
        for point in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], point) <= 0 {
                upper.removeLast()
            }
            upper.append(point)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}
