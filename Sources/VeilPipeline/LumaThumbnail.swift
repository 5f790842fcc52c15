import VeilGeometry
import VeilMedia

/// A small luma picture of a frame: each sample is the mean luma (0–255) of four pixels spread
/// over its block of the image. The same number of samples across whatever the image's size,
/// so thumbnails of copies shrunk to different sides compare sample for sample.
///
/// Averaging four pixels halves sensor noise; the block grid keeps every part of the frame
/// represented, so a face appearing anywhere moves at least one sample.
struct LumaThumbnail: Sendable, Hashable {
    /// Samples across.
    let columns: Int
    /// Samples down.
    let rows: Int
    /// Row by row, `columns × rows` of them.
    let samples: [Float]
    /// The image it was made from.
    let imageSize: PixelSize

    /// The thumbnail of `image`, `columns` samples across (fewer for a narrower image: a
    /// sample is never smaller than one pixel) and rows in the image's aspect ratio.
    ///
    /// - Complexity: O(`columns` × rows): four pixels read per sample.
    init(of image: Image, columns: Int) {
        let width = image.width
        let height = image.height
        let columns = max(1, min(columns, width))
        let rows = max(1, min(height, Int((Double(columns) * Double(height) / Double(max(1, width))).rounded())))
        var samples = [Float](repeating: 0, count: columns * rows)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rows {
                let y0 = row * height / rows
                let y1 = max(y0 + 1, (row + 1) * height / rows)
                let ys = (y0 + (y1 - y0) / 4, y0 + 3 * (y1 - y0) / 4)
                for column in 0..<columns {
                    let x0 = column * width / columns
                    let x1 = max(x0 + 1, (column + 1) * width / columns)
                    let xs = (x0 + (x1 - x0) / 4, x0 + 3 * (x1 - x0) / 4)
                    let sum =
                        Self.luma(pixels, (ys.0 * width + xs.0) * 3) + Self.luma(pixels, (ys.0 * width + xs.1) * 3)
                        + Self.luma(pixels, (ys.1 * width + xs.0) * 3) + Self.luma(pixels, (ys.1 * width + xs.1) * 3)
                    samples[row * columns + column] = Float(sum) / 1024
                }
            }
        }
        self.columns = columns
        self.rows = rows
        self.samples = samples
        imageSize = image.size
    }

    /// BT.601 luma of the BGR pixel at byte `index`, in 1/256ths: 29 B + 150 G + 77 R.
    @inline(__always)
    private static func luma(_ pixels: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        29 * Int(pixels[index]) + 150 * Int(pixels[index + 1]) + 77 * Int(pixels[index + 2])
    }

    /// Whether `other` has the same sample grid.
    func isComparable(to other: LumaThumbnail) -> Bool { columns == other.columns && rows == other.rows }
}
