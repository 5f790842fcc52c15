/// The outline a mask is drawn in.
public enum MaskShape: String, Sendable, Hashable, Codable, CaseIterable {
    /// The ellipse inscribed in the box: follows a head's outline, hides less background.
    case ellipse
    /// The whole box.
    case box
}

/// One area of one image that will be masked: a box and the shape drawn inside it.
///
/// The mask planner produces regions from detections (margins applied); maskers paint them;
/// the evaluation asks them which ground-truth pixels they cover.
public struct MaskRegion: Hashable, Sendable, Codable {
    public var box: Box
    public var shape: MaskShape
    public var objectClass: ObjectClass
    /// The face's five landmarks (eyes, nose, mouth corners) when known: the surrogate mask
    /// draws its synthetic face on them.
    public var landmarks: [Point]?

    public init(box: Box, shape: MaskShape, objectClass: ObjectClass, landmarks: [Point]? = nil) {
        self.box = box
        self.shape = shape
        self.objectClass = objectClass
        self.landmarks = landmarks
    }

    /// Whether a point lies inside the drawn shape.
    public func contains(_ point: Point) -> Bool {
        switch shape {
        case .box:
            return point.x >= box.minX && point.x <= box.maxX && point.y >= box.minY && point.y <= box.maxY
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
