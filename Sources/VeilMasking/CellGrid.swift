import VeilGeometry
import VeilMedia

/// A rectangle of an image reduced to square cells of mean colour.
struct CellGrid {
    let columns: Int
    let rows: Int
    let cellSide: Int
    /// Mean (blue, green, red) per cell, row by row, as doubles so noise does not clip early.
    var means: [Double]

    /// A grid from its cell means (blue, green, red per cell, row by row).
    init(columns: Int, rows: Int, cellSide: Int, means: [Double]) {
        precondition(means.count == columns * rows * 3, "one mean per cell and channel")
        self.columns = columns
        self.rows = rows
        self.cellSide = cellSide
        self.means = means
    }

    /// Cell means over `rect` of `image` (cells at the right/bottom edge may be partial).
    ///
    /// - Complexity: O(pixels in `rect`).
    init(of image: Image, rect: PixelRect, cellSide: Int) {
        let columns = (rect.size.width + cellSide - 1) / cellSide
        let rows = (rect.size.height + cellSide - 1) / cellSide
        var sums = [Double](repeating: 0, count: columns * rows * 3)
        var counts = [Double](repeating: 0, count: columns * rows)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rect.size.height {
                let cellRow = row / cellSide
                var index = image.offset(x: rect.x, y: rect.y + row)
                for column in 0..<rect.size.width {
                    let cell = cellRow * columns + column / cellSide
                    sums[cell * 3] += Double(pixels[index])
                    sums[cell * 3 + 1] += Double(pixels[index + 1])
                    sums[cell * 3 + 2] += Double(pixels[index + 2])
                    counts[cell] += 1
                    index += 3
                }
            }
        }
        self.cellSide = cellSide
        self.columns = columns
        self.rows = rows
        means = sums.indices.map { sums[$0] / max(1, counts[$0 / 3]) }
    }

    /// Pulls each cell towards the grid's mean colour, keeping `contrast` of its deviation.
    mutating func flatten(keeping contrast: Double) {
        let cellCount = Double(columns * rows)
        for channel in 0..<3 {
            let mean = stride(from: channel, to: means.count, by: 3).reduce(0) { $0 + means[$1] } / cellCount
            for index in stride(from: channel, to: means.count, by: 3) {
                means[index] = mean + (means[index] - mean) * contrast
            }
        }
    }

    /// Adds uniform noise in ±`amplitude` to every cell and channel.
    mutating func perturb<Generator: RandomNumberGenerator>(amplitude: Double, using generator: inout Generator) {
        guard amplitude > 0 else { return }
        for index in means.indices {
            means[index] += Double.random(in: -amplitude...amplitude, using: &generator)
        }
    }

    /// Each pixel takes its cell's colour (pixelation).
    func blocks(size: PixelSize) -> Image {
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let cell = (y / cellSide) * columns + x / cellSide
                for channel in 0..<3 {
                    pixels[(y * size.width + x) * 3 + channel] = Self.byte(means[cell * 3 + channel])
                }
            }
        }
        return Image(size: size, pixels: pixels)
    }

    /// Bilinear interpolation between cell centres (smooth, no block edges), drawn at `scale`
    /// times the grid's pixel size (a smaller canvas is cheaper to smooth; callers enlarge it).
    func interpolated(size: PixelSize, scale: Double = 1) -> Image {
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        let side = Double(cellSide) * scale
        for y in 0..<size.height {
            let gy = min(max((Double(y) + 0.5) / side - 0.5, 0), Double(rows - 1))
            let row0 = Int(gy)
            let row1 = min(row0 + 1, rows - 1)
            let fy = gy - Double(row0)
            for x in 0..<size.width {
                let gx = min(max((Double(x) + 0.5) / side - 0.5, 0), Double(columns - 1))
                let column0 = Int(gx)
                let column1 = min(column0 + 1, columns - 1)
                let fx = gx - Double(column0)
                for channel in 0..<3 {
                    let topLeft = means[(row0 * columns + column0) * 3 + channel]
                    let topRight = means[(row0 * columns + column1) * 3 + channel]
                    let bottomLeft = means[(row1 * columns + column0) * 3 + channel]
                    let bottomRight = means[(row1 * columns + column1) * 3 + channel]
                    let top = topLeft + (topRight - topLeft) * fx
                    let bottom = bottomLeft + (bottomRight - bottomLeft) * fx
                    pixels[(y * size.width + x) * 3 + channel] = Self.byte(top + (bottom - top) * fy)
                }
            }
        }
        return Image(size: size, pixels: pixels)
    }

    static func byte(_ value: Double) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
}
