/// A point in pixel coordinates (origin top-left, y down).
public struct Point: Hashable, Sendable, Codable {
    /// Horizontal position in pixels.
    public var x: Double
    /// Vertical position in pixels.
    public var y: Double

    /// A point in pixels.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// This point with each coordinate multiplied.
    public func scaled(x scaleX: Double, y scaleY: Double) -> Point {
        Point(x: x * scaleX, y: y * scaleY)
    }

    /// This point moved by (dx, dy).
    public func offsetBy(dx: Double, dy: Double) -> Point {
        Point(x: x + dx, y: y + dy)
    }
}

/// Integer pixel dimensions of an image or a detector input.
public struct PixelSize: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A size in pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The whole image as a box.
    public var bounds: Box { Box(x: 0, y: 0, width: Double(width), height: Double(height)) }
    /// "W×H".
    public var description: String { "\(width)×\(height)" }
}
