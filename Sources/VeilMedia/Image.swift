public import VeilGeometry

/// An 8-bit BGR image in memory, rows packed (3 bytes per pixel, no padding).
///
/// A value type: copies share storage until one is written (the array's copy-on-write).
public struct Image: Sendable, Hashable {
    /// Width and height in pixels.
    public let size: PixelSize
    /// BGR bytes, `size.width * size.height * 3` of them.
    public var pixels: [UInt8]

    /// An image from interleaved BGR bytes, row by row (`size.width * size.height * 3` of them).
    public init(size: PixelSize, pixels: [UInt8]) {
        precondition(pixels.count == size.width * size.height * 3, "pixel count does not match the size")
        self.size = size
        self.pixels = pixels
    }

    /// An image of one colour.
    public init(size: PixelSize, blue: UInt8, green: UInt8, red: UInt8) {
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for index in stride(from: 0, to: pixels.count, by: 3) {
            pixels[index] = blue
            pixels[index + 1] = green
            pixels[index + 2] = red
        }
        self.init(size: size, pixels: pixels)
    }

    /// Width in pixels.
    public var width: Int { size.width }
    /// Height in pixels.
    public var height: Int { size.height }

    /// The byte offset of pixel (x, y)'s blue channel.
    @inlinable public func offset(x: Int, y: Int) -> Int { (y * size.width + x) * 3 }

    /// The (blue, green, red) value of one pixel.
    public subscript(x: Int, y: Int) -> (blue: UInt8, green: UInt8, red: UInt8) {
        let index = offset(x: x, y: y)
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }

    /// Luma (BT.601) of one pixel, 0…255.
    public func luma(x: Int, y: Int) -> Double {
        let index = offset(x: x, y: y)
        return 0.114 * Double(pixels[index]) + 0.587 * Double(pixels[index + 1]) + 0.299 * Double(pixels[index + 2])
    }
}
