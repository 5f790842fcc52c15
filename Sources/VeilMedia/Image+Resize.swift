internal import CVeilImage
public import VeilGeometry

/// How pixels are interpolated when an image is resized.
public enum Interpolation: Int32, Sendable {
    case nearest = 0
    case linear = 1
    /// Averages source pixels: the right choice when shrinking.
    case area = 2
    case cubic = 3
}

extension Image {
    /// The image resized to `size`.
    public func resized(to size: PixelSize, interpolation: Interpolation = .linear) throws(MediaError) -> Image {
        if size == self.size { return self }
        var destination = [UInt8](repeating: 0, count: size.width * size.height * 3)
        var error = CErrorBuffer()
        let status = pixels.withUnsafeBufferPointer { source in
            destination.withUnsafeMutableBufferPointer { target in
                CVeilImage_resize(
                    source.baseAddress,
                    Int32(width),
                    Int32(height),
                    target.baseAddress,
                    Int32(size.width),
                    Int32(size.height),
                    interpolation.rawValue,
                    &error.bytes,
                    error.bytes.count
                )
            }
        }
        guard status == 0 else { throw .imageOperationFailed(operation: "resize", reason: error.message) }
        return Image(size: size, pixels: destination)
    }

    /// A copy of the pixels inside `rect` (clamped to the image; integer pixel edges).
    public func cropped(to rect: Box) -> Image {
        let clamped = rect.clamped(to: size.bounds)
        let x0 = Int(clamped.minX.rounded(.down))
        let y0 = Int(clamped.minY.rounded(.down))
        let x1 = max(x0, min(width, Int(clamped.maxX.rounded(.up))))
        let y1 = max(y0, min(height, Int(clamped.maxY.rounded(.up))))
        let cropSize = PixelSize(width: x1 - x0, height: y1 - y0)
        var result = [UInt8](repeating: 0, count: cropSize.width * cropSize.height * 3)
        let rowBytes = cropSize.width * 3
        for row in 0..<cropSize.height {
            let source = offset(x: x0, y: y0 + row)
            result.replaceSubrange(row * rowBytes..<(row + 1) * rowBytes, with: pixels[source..<source + rowBytes])
        }
        return Image(size: cropSize, pixels: result)
    }
}
