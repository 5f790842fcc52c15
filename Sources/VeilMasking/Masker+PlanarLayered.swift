import VeilGeometry
import VeilMedia

extension Masker {
    /// The layered mask painted straight into a video picture's planes, at the grid's
    /// resolution: no full-size BGR copy of the region is made.
    ///
    /// The same steps as on a photo: cell means over the pixels the region's box covers (read
    /// from the planes and converted to BGR per cell), pulled towards the region's mean,
    /// perturbed, interpolated and smoothed on a small canvas (``workingCellSide`` pixels per
    /// cell). Then, only for the pixels the shape touches, luma is sampled bilinearly from that
    /// canvas (converted to Y′CbCr once, at its small size), and the chroma of every 2×2 block
    /// that contains one of those pixels is sampled at the block's centre. What is written
    /// depends only on the noisy cell means, exactly as on a photo; samples outside the shape
    /// keep their original values, bit for bit.
    ///
    /// - Complexity: one pass over the region's box (cell means) and one over the shape's
    ///   pixels (writing); the smoothing costs O(cells × ``workingCellSide``²).
    func paintLayered<Generator: RandomNumberGenerator>(
        _ region: MaskRegion,
        into picture: inout PlanarImage,
        using generator: inout Generator
    ) throws(MaskingError) {
        guard let rect = PixelRect(covering: region.box, in: picture.size) else { return }
        let longerSide = max(region.box.width, region.box.height)
        let cellSide = max(1, Int((longerSide / Double(max(1, settings.layeredCells))).rounded(.up)))
        let color = YCbCrMath(picture.matrix)
        var grid = CellGrid(of: picture, rect: rect, cellSide: cellSide, color: color)
        grid.flatten(keeping: settings.layeredContrast)
        grid.perturb(amplitude: settings.layeredNoise, using: &generator)
        let scale = min(1, Self.workingCellSide / Double(cellSide))
        var canvas = grid.interpolated(size: Self.scaled(rect.size, by: scale), scale: scale)
        try blur(&canvas, sigma: Double(cellSide) * scale * settings.layeredSmoothingFraction)
        let small = SmallCanvas(canvas, color: color)
        write(small, over: rect, shapedBy: region, into: &picture)
    }

    /// Writes the canvas, enlarged bilinearly to `rect`, into the samples the shape touches.
    private func write(
        _ small: SmallCanvas,
        over rect: PixelRect,
        shapedBy region: MaskRegion,
        into picture: inout PlanarImage
    ) {
        let width = picture.width
        let chromaWidth = (picture.width + 1) / 2
        let blueOffset = picture.width * picture.height
        let redOffset = blueOffset + chromaWidth * ((picture.height + 1) / 2)
        // Canvas coordinates of each column and row of the rectangle (as an enlargement maps
        // pixel centres), computed once.
        let columns = Self.taps(count: rect.size.width, from: small.width)
        let rows = Self.taps(count: rect.size.height, from: small.height)
        let firstBlockRow = rect.y / 2
        let lastBlockRow = (rect.y + rect.size.height - 1) / 2
        var touched = [Range<Int>?](repeating: nil, count: lastBlockRow - firstBlockRow + 1)
        // One canvas row interpolated vertically per picture row, then each pixel horizontally.
        var line = [Double](repeating: 0, count: small.width)
        var blueLine = line
        var redLine = line
        picture.planes.withUnsafeMutableBufferPointer { planes in
            for row in 0..<rect.size.height {
                let y = rect.y + row
                guard let span = region.span(ofPixelRow: y, clippedTo: rect) else { continue }
                small.interpolate(.luma, row: rows[row], into: &line)
                let start = y * width
                line.withUnsafeBufferPointer { line in
                    columns.withUnsafeBufferPointer { columns in
                        for x in span {
                            let tap = columns[x - rect.x]
                            let left = line[tap.lower]
                            planes[start + x] = YCbCrMath.clamped(left + (line[tap.upper] - left) * tap.fraction)
                        }
                    }
                }
                let blocks = span.lowerBound / 2..<(span.upperBound - 1) / 2 + 1
                let slot = y / 2 - firstBlockRow
                touched[slot] =
                    touched[slot].map { min($0.lowerBound, blocks.lowerBound)..<max($0.upperBound, blocks.upperBound) }
                    ?? blocks
            }
            // Chroma at each touched block's centre, which lies between its two pixel rows and
            // columns.
            let firstBlockColumn = rect.x / 2
            let blockColumns = (firstBlockColumn...(rect.x + rect.size.width - 1) / 2).map { column in
                Self.tap(at: Double(column * 2 + 1 - rect.x), count: rect.size.width, from: small.width)
            }
            for (slot, blocks) in touched.enumerated() {
                guard let blocks else { continue }
                let blockRow = firstBlockRow + slot
                let tap = Self.tap(at: Double(blockRow * 2 + 1 - rect.y), count: rect.size.height, from: small.height)
                small.interpolate(.blue, row: tap, into: &blueLine)
                small.interpolate(.red, row: tap, into: &redLine)
                let start = blockRow * chromaWidth
                for blockColumn in blocks {
                    let column = blockColumns[blockColumn - firstBlockColumn]
                    let blueLeft = blueLine[column.lower]
                    let redLeft = redLine[column.lower]
                    planes[blueOffset + start + blockColumn] = YCbCrMath.clamped(
                        blueLeft + (blueLine[column.upper] - blueLeft) * column.fraction)
                    planes[redOffset + start + blockColumn] = YCbCrMath.clamped(
                        redLeft + (redLine[column.upper] - redLeft) * column.fraction)
                }
            }
        }
    }

    /// Bilinear taps for each of `count` target pixels enlarged from `source` samples.
    private static func taps(count: Int, from source: Int) -> [SmallCanvas.Tap] {
        (0..<count).map { tap(at: Double($0) + 0.5, count: count, from: source) }
    }

    /// The bilinear tap at target coordinate `position` (pixel edges: a pixel's centre is at
    /// index + 0.5), mapping `count` target pixels onto `source` samples.
    private static func tap(at position: Double, count: Int, from source: Int) -> SmallCanvas.Tap {
        let coordinate = min(max(position * Double(source) / Double(count) - 0.5, 0), Double(source - 1))
        let lower = Int(coordinate)
        return SmallCanvas.Tap(lower: lower, upper: min(lower + 1, source - 1), fraction: coordinate - Double(lower))
    }
}

/// The smoothed layered canvas as Y′CbCr planes (floating point), sampled bilinearly.
private struct SmallCanvas {
    /// Two neighbouring samples and the weight of the second.
    struct Tap {
        var lower: Int
        var upper: Int
        var fraction: Double
    }

    let width: Int
    let height: Int
    private var luma: [Double]
    private var blue: [Double]
    private var red: [Double]

    init(_ canvas: Image, color: YCbCrMath) {
        width = canvas.width
        height = canvas.height
        let count = width * height
        var luma = [Double](repeating: 0, count: count)
        var blue = [Double](repeating: 0, count: count)
        var red = [Double](repeating: 0, count: count)
        canvas.pixels.withUnsafeBufferPointer { pixels in
            for index in 0..<count {
                let converted = color.yCbCr(
                    blue: Double(pixels[index * 3]), green: Double(pixels[index * 3 + 1]),
                    red: Double(pixels[index * 3 + 2]))
                luma[index] = converted.luma
                blue[index] = converted.cb
                red[index] = converted.cr
            }
        }
        self.luma = luma
        self.blue = blue
        self.red = red
    }

    /// One of the canvas's planes.
    enum Plane {
        case luma
        case blue
        case red
    }

    /// Canvas row `row` of a plane, interpolated between its two sample rows.
    func interpolate(_ plane: Plane, row: Tap, into line: inout [Double]) {
        let top = row.lower * width
        let bottom = row.upper * width
        let fraction = row.fraction
        let values =
            switch plane {
            case .luma: luma
            case .blue: blue
            case .red: red
            }
        values.withUnsafeBufferPointer { values in
            line.withUnsafeMutableBufferPointer { line in
                for column in 0..<width {
                    let upper = values[top + column]
                    line[column] = upper + (values[bottom + column] - upper) * fraction
                }
            }
        }
    }
}

/// Y′CbCr ↔ BGR in floating point for one matrix and range (the masks' cell colours and
/// canvas; per-pixel video conversion lives in VeilMedia).
struct YCbCrMath {
    let matrix: ColorMatrix
    private let lumaScale: Double
    private let chromaScale: Double
    private let lumaOffset: Double

    init(_ matrix: ColorMatrix) {
        self.matrix = matrix
        lumaScale = matrix.isFullRange ? 1 : 219.0 / 255.0
        chromaScale = matrix.isFullRange ? 1 : 224.0 / 255.0
        lumaOffset = matrix.isFullRange ? 0 : 16
    }

    /// Luma and chroma (8-bit levels, unclamped) of a BGR colour.
    func yCbCr(blue: Double, green: Double, red: Double) -> (luma: Double, cb: Double, cr: Double) {
        let kr = matrix.redWeight
        let kb = matrix.blueWeight
        let y = kr * red + (1 - kr - kb) * green + kb * blue
        return (
            y * lumaScale + lumaOffset,
            (blue - y) / (2 * (1 - kb)) * chromaScale + 128,
            (red - y) / (2 * (1 - kr)) * chromaScale + 128
        )
    }

    /// BGR (8-bit levels, unclamped) of a Y′CbCr colour.
    func bgr(luma: Double, cb: Double, cr: Double) -> (blue: Double, green: Double, red: Double) {
        let kr = matrix.redWeight
        let kb = matrix.blueWeight
        let y = (luma - lumaOffset) / lumaScale
        let pb = (cb - 128) / chromaScale
        let pr = (cr - 128) / chromaScale
        let red = y + 2 * (1 - kr) * pr
        let blue = y + 2 * (1 - kb) * pb
        let green = (y - kr * red - kb * blue) / (1 - kr - kb)
        return (blue, green, red)
    }

    /// The nearest 8-bit level (without a call into the C library's `round`).
    @inline(__always) static func clamped(_ value: Double) -> UInt8 {
        UInt8(truncatingIfNeeded: Int(min(max(value, 0), 255) + 0.5))
    }
}

extension CellGrid {
    /// Cell means over `rect` of a video picture, in BGR: each cell's mean luma and chroma
    /// (every pixel counted with its block's chroma sample), converted once per cell.
    ///
    /// - Complexity: O(pixels in `rect`), integer sums only.
    init(of picture: PlanarImage, rect: PixelRect, cellSide: Int, color: YCbCrMath) {
        let columns = (rect.size.width + cellSide - 1) / cellSide
        let rows = (rect.size.height + cellSide - 1) / cellSide
        var sums = [Int](repeating: 0, count: columns * rows * 3)
        var counts = [Int](repeating: 0, count: columns * rows)
        let width = picture.width
        let chromaWidth = (picture.width + 1) / 2
        let blueOffset = picture.width * picture.height
        let redOffset = blueOffset + chromaWidth * ((picture.height + 1) / 2)
        picture.planes.withUnsafeBufferPointer { planes in
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<rect.size.height {
                    let y = rect.y + row
                    let cellRow = (row / cellSide) * columns
                    let line = y * width
                    let chromaLine = (y / 2) * chromaWidth
                    // Each cell's stretch of this row, summed in a tight loop.
                    for column in 0..<columns {
                        let first = rect.x + column * cellSide
                        let end = min(first + cellSide, rect.x + rect.size.width)
                        var (luma, blue, red) = (0, 0, 0)
                        for x in first..<end {
                            luma += Int(planes[line + x])
                            blue += Int(planes[blueOffset + chromaLine + (x >> 1)])
                            red += Int(planes[redOffset + chromaLine + (x >> 1)])
                        }
                        let cell = (cellRow + column) * 3
                        sums[cell] += luma
                        sums[cell + 1] += blue
                        sums[cell + 2] += red
                    }
                }
            }
        }
        for row in 0..<rows {
            let height = min(cellSide, rect.size.height - row * cellSide)
            for column in 0..<columns {
                counts[row * columns + column] = height * min(cellSide, rect.size.width - column * cellSide)
            }
        }
        var means = [Double](repeating: 0, count: columns * rows * 3)
        for cell in counts.indices {
            let count = Double(max(1, counts[cell]))
            let converted = color.bgr(
                luma: Double(sums[cell * 3]) / count, cb: Double(sums[cell * 3 + 1]) / count,
                cr: Double(sums[cell * 3 + 2]) / count)
            // Clamped as a photo's pixels are: the means of real pixels lie in 0…255.
            means[cell * 3] = min(max(converted.blue, 0), 255)
            means[cell * 3 + 1] = min(max(converted.green, 0), 255)
            means[cell * 3 + 2] = min(max(converted.red, 0), 255)
        }
        self.init(columns: columns, rows: rows, cellSide: cellSide, means: means)
    }
}
