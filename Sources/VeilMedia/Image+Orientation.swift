import VeilGeometry

extension Image {
    /// The image as a viewer shows it when its EXIF orientation tag is `orientation` (1…8):
    /// 2 mirrors, 3 turns half round, 4 flips, 5 transposes, 6 turns a quarter clockwise,
    /// 7 transverses, 8 turns a quarter anticlockwise. Other values return the image unchanged.
    ///
    /// OpenCV applies this itself for JPEG and PNG; ``ImageCodec`` calls it for WebP, whose
    /// EXIF chunk OpenCV 4.6 ignores.
    ///
    /// - Complexity: O(width × height).
    public func applyingEXIFOrientation(_ orientation: Int) -> Image {
        guard (2...8).contains(orientation) else { return self }
        let (w, h) = (width, height)
        let swapsAxes = orientation >= 5
        let shown = swapsAxes ? PixelSize(width: h, height: w) : size
        var result = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for y in 0..<shown.height {
                    for x in 0..<shown.width {
                        // The stored pixel a viewer shows at (x, y).
                        let (sx, sy) =
                            switch orientation {
                            case 2: (w - 1 - x, y)
                            case 3: (w - 1 - x, h - 1 - y)
                            case 4: (x, h - 1 - y)
                            case 5: (y, x)
                            case 6: (y, h - 1 - x)
                            case 7: (w - 1 - y, h - 1 - x)
                            default: (w - 1 - y, x)
                            }
                        let from = (sy * w + sx) * 3
                        let to = (y * shown.width + x) * 3
                        target[to] = source[from]
                        target[to + 1] = source[from + 1]
                        target[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return Image(size: shown, pixels: result)
    }
}
