import VeilGeometry
import VeilTracking

/// A square detection of the given class at a top-left corner.
func detection(
    _ objectClass: ObjectClass = .face,
    x: Double,
    y: Double,
    size: Double = 40,
    score: Double = 0.9
) -> Detection {
    Detection(objectClass: objectClass, box: Box(x: x, y: y, width: size, height: size), score: score)
}

/// An object moving at constant velocity: its box in any frame.
struct MovingObject {
    var objectClass: ObjectClass = .face
    var start: Point
    var velocity: Point
    var size: Double = 40

    func box(atFrame frame: Int) -> Box {
        Box(x: start.x + velocity.x * Double(frame), y: start.y + velocity.y * Double(frame), width: size, height: size)
    }

    func detection(atFrame frame: Int, score: Double = 0.9) -> Detection {
        Detection(objectClass: objectClass, box: box(atFrame: frame), score: score)
    }
}

extension Box {
    /// Whether `other` lies inside this box, allowing for rounding.
    func contains(_ other: Box, tolerance: Double = 1e-6) -> Bool {
        minX <= other.minX + tolerance && minY <= other.minY + tolerance
            && maxX >= other.maxX - tolerance && maxY >= other.maxY - tolerance
    }
}

/// Pushes every frame through a planner and returns all plans, `finish()` included.
func plans(
    for frames: [[Detection]],
    configuration: LookAheadConfiguration = LookAheadConfiguration()
) -> [FramePlan] {
    var planner = LookAheadPlanner(configuration: configuration)
    var plans: [FramePlan] = []
    for detections in frames {
        plans += planner.push(detections)
    }
    return plans + planner.finish()
}
