import VeilGeometry
import VeilMedia

/// Measurements the mask tests make on pixels.
enum ImageMeasure {
    static func pixels(of image: Image, in box: Box) -> [(UInt8, UInt8, UInt8)] {
        var result: [(UInt8, UInt8, UInt8)] = []
        for y in Int(box.minY)..<Int(box.maxY) {
            for x in Int(box.minX)..<Int(box.maxX) {
                let pixel = image[x, y]
                result.append((pixel.blue, pixel.green, pixel.red))
            }
        }
        return result
    }

    /// Per-pixel Laplacian of luma inside `box`.
    static func laplacian(of image: Image, in box: Box) -> [Double] {
        var values: [Double] = []
        for y in Int(box.minY) + 1..<Int(box.maxY) - 1 {
            for x in Int(box.minX) + 1..<Int(box.maxX) - 1 {
                let centre = image.luma(x: x, y: y) * 4
                let around =
                    image.luma(x: x - 1, y: y) + image.luma(x: x + 1, y: y) + image.luma(x: x, y: y - 1)
                    + image.luma(x: x, y: y + 1)
                values.append(centre - around)
            }
        }
        return values
    }

    /// Mean squared Laplacian: the energy of the finest detail.
    static func highFrequencyEnergy(of image: Image, in box: Box) -> Double {
        let values = laplacian(of: image, in: box)
        return values.reduce(0) { $0 + $1 * $1 } / Double(max(1, values.count))
    }

    /// Pearson correlation of two equal-length series.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let meanA = a.reduce(0, +) / Double(a.count)
        let meanB = b.reduce(0, +) / Double(b.count)
        var covariance = 0.0
        var varianceA = 0.0
        var varianceB = 0.0
        for (x, y) in zip(a, b) {
            covariance += (x - meanA) * (y - meanB)
            varianceA += (x - meanA) * (x - meanA)
            varianceB += (y - meanB) * (y - meanB)
        }
        return covariance / max(1e-12, (varianceA * varianceB).squareRoot())
    }

    /// Sharpening by unsharp mask with a 3×3 box blur: out = in + amount × (in − blur).
    static func unsharpMask(_ image: Image, amount: Double) -> Image {
        var result = image
        for y in 1..<image.height - 1 {
            for x in 1..<image.width - 1 {
                for channel in 0..<3 {
                    var sum = 0.0
                    for dy in -1...1 {
                        for dx in -1...1 { sum += Double(image.pixels[image.offset(x: x + dx, y: y + dy) + channel]) }
                    }
                    let value = Double(image.pixels[image.offset(x: x, y: y) + channel])
                    let sharpened = value + amount * (value - sum / 9)
                    result.pixels[image.offset(x: x, y: y) + channel] = UInt8(min(max(sharpened.rounded(), 0), 255))
                }
            }
        }
        return result
    }
}
