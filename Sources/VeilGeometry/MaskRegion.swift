/// The outline a mask is drawn in.
public enum MaskShape: String, Sendable, Hashable, Codable, CaseIterable {
    /// The ellipse inscribed in the box: follows a head's outline, hides less background.
    case ellipse
    /// The whole box.
    case box
    /// A polygon (``MaskRegion/polygon``), for regions drawn by hand; its box is its bounds.
    case polygon
}

/// One area of one image that will be masked: a box and the shape drawn inside it.
///
/// The mask planner produces regions from detections (margins applied); maskers paint them;
/// the evaluation asks them which ground-truth pixels they cover.
public struct MaskRegion: Hashable, Sendable, Codable {
    /// The area to mask, in image pixels (margins already applied).
    public var box: Box
    /// How the box is filled.
    public var shape: MaskShape
    /// What the region hides.
    public var objectClass: ObjectClass
    /// The face's five landmarks (eyes, nose, mouth corners) when known: the surrogate mask
    /// draws its synthetic face on them.
    public var landmarks: [Point]?
    /// The vertices of a ``MaskShape/polygon`` region, in order.
    public var polygon: [Point]?

    /// A region to mask.
    public init(box: Box, shape: MaskShape, objectClass: ObjectClass, landmarks: [Point]? = nil) {
        self.box = box
        self.shape = shape
        self.objectClass = objectClass
        self.landmarks = landmarks
    }

    /// A polygon region; its box is the polygon's bounds.
    public init(polygon points: [Point], objectClass: ObjectClass) {
        let xs = points.map(\.x)
        let ys = points.map(\.y)
        self.init(
            box: Box(minX: xs.min() ?? 0, minY: ys.min() ?? 0, maxX: xs.max() ?? 0, maxY: ys.max() ?? 0),
            shape: .polygon,
            objectClass: objectClass
        )
        polygon = points
    }

    /// Where the polygon's edges cross the horizontal line at `y`, left to right.
    public func polygonCrossings(atY y: Double) -> [Double] {
        guard let points = polygon, points.count >= 3 else { return [] }
        var crossings: [Double] = []
        for index in points.indices {
            let a = points[index]
            let b = points[(index + 1) % points.count]
            guard (a.y <= y && b.y > y) || (b.y <= y && a.y > y) else { continue }
            crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
        }
        return crossings.sorted()
    }

    /// Whether a point lies inside the drawn shape.
    public func contains(_ point: Point) -> Bool {
        switch shape {
        case .box:
            return point.x >= box.minX && point.x <= box.maxX && point.y >= box.minY && point.y <= box.maxY
        case .polygon:
            // Even-odd rule: inside when an odd number of crossings lie left of the point.
            return polygonCrossings(atY: point.y).filter { $0 <= point.x }.count % 2 == 1
        case .ellipse:
            let radiusX = box.width / 2
            let radiusY = box.height / 2
            guard radiusX > 0, radiusY > 0 else { return false }
            let dx = (point.x - box.center.x) / radiusX
            let dy = (point.y - box.center.y) / radiusY
            return dx * dx + dy * dy <= 1
        }
    }
}

extension Array where Element == MaskRegion {
    /// The fraction of `target` that lies inside the union of these regions, estimated on a
    /// `samples × samples` grid of cell centres (0…1).
    ///
    /// - Complexity: O(*samples*² × *n*) for *n* regions.
    public func coverage(of target: Box, samples: Int = 24) -> Double {
        guard target.area > 0, samples > 0 else { return 0 }
        let candidates = filter { $0.box.intersection(target) != nil }
        guard !candidates.isEmpty else { return 0 }
        var inside = 0
        for row in 0..<samples {
            let y = target.minY + (Double(row) + 0.5) * target.height / Double(samples)
            for column in 0..<samples {
                let point = Point(x: target.minX + (Double(column) + 0.5) * target.width / Double(samples), y: y)
                if candidates.contains(where: { $0.contains(point) }) { inside += 1 }
            }
        }
        return Double(inside) / Double(samples * samples)
    }
}
