/// A point in pixel coordinates (origin top-left, y down).
public struct Point: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public func scaled(x scaleX: Double, y scaleY: Double) -> Point {
        Point(x: x * scaleX, y: y * scaleY)
    }

    public func offsetBy(dx: Double, dy: Double) -> Point {
        Point(x: x + dx, y: y + dy)
    }
}

/// Integer pixel dimensions of an image or a detector input.
public struct PixelSize: Hashable, Sendable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The whole image as a box.
    public var bounds: Box { Box(x: 0, y: 0, width: Double(width), height: Double(height)) }
    public var description: String { "\(width)×\(height)" }
}
