import VeilGeometry
import VeilMedia

extension Masker {
    /// The layered mask painted straight into a video picture's planes, at the grid's
    /// resolution: no full-size BGR copy of the region is made.
    ///
    /// The same steps as on a photo: cell means over the pixels the region's box covers (read
    /// from the planes and converted to BGR per cell), pulled towards the region's mean,
    /// perturbed, interpolated and smoothed on a small canvas (``workingCellSide`` pixels per
    /// cell, held as Y′CbCr in floating point: ``LayeredCanvas``). Then, only for the pixels the
    /// shape touches, luma is sampled bilinearly from that canvas, and the chroma of every 2×2 block
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
    ) {
        guard let rect = PixelRect(covering: region.box, in: picture.size) else { return }
        let longerSide = max(region.box.width, region.box.height)
        let cellSide = max(1, Int((longerSide / Double(max(1, settings.layeredCells))).rounded(.up)))
        let color = YCbCrMath(picture.matrix)
        var grid = CellGrid(of: picture, rect: rect, cellSide: cellSide, color: color)
        grid.flatten(keeping: settings.layeredContrast)
        grid.perturb(amplitude: settings.layeredNoise, using: &generator)
        let scale = min(1, Self.workingCellSide / Double(cellSide))
        var canvas = LayeredCanvas(grid, size: Self.scaled(rect.size, by: scale), scale: scale, color: color)
        canvas.smooth(sigma: Double(cellSide) * scale * settings.layeredSmoothingFraction)
        write(canvas, over: rect, shapedBy: region, into: &picture)
    }

    /// Writes the canvas, enlarged bilinearly to `rect`, into the samples the shape touches.
    ///
    /// The canvas is first widened to the rectangle's columns (luma) and to the centres of its
    /// chroma blocks, once per canvas row; each picture row is then a blend of two widened rows,
    /// a straight loop over the shape's span that the compiler vectorizes (no per-pixel table
    /// look-up). In exact arithmetic this is the same bilinear enlargement as sampling each
    /// pixel; in `Float` a sample can differ from the `Double` result by one level only where
    /// that result lies within about 10⁻⁴ of a half level.
    private func write(
        _ small: LayeredCanvas,
        over rect: PixelRect,
        shapedBy region: MaskRegion,
        into picture: inout PlanarImage
    ) {
        let width = picture.width
        let chromaWidth = (picture.width + 1) / 2
        let blueOffset = picture.width * picture.height
        let redOffset = blueOffset + chromaWidth * ((picture.height + 1) / 2)
        // Canvas coordinates of each column of the rectangle and of each chroma block's centre
        // (which lies between the block's two pixel columns), as an enlargement maps them.
        let columns = Self.taps(count: rect.size.width, from: small.width)
        let firstBlockColumn = rect.x / 2
        let blockColumns = (firstBlockColumn...(rect.x + rect.size.width - 1) / 2).map { column in
            Self.tap(at: Double(column * 2 + 1 - rect.x), count: rect.size.width, from: small.width)
        }
        let luma = small.widened(.luma, to: columns)
        let blue = small.widened(.blue, to: blockColumns)
        let red = small.widened(.red, to: blockColumns)
        let firstBlockRow = rect.y / 2
        let lastBlockRow = (rect.y + rect.size.height - 1) / 2
        var touched = [Range<Int>?](repeating: nil, count: lastBlockRow - firstBlockRow + 1)
        picture.planes.withUnsafeMutableBufferPointer { planes in
            guard let base = planes.baseAddress else { return }
            luma.withUnsafeBufferPointer { luma in
                guard let luma = luma.baseAddress else { return }
                for row in 0..<rect.size.height {
                    let y = rect.y + row
                    guard let span = region.span(ofPixelRow: y, clippedTo: rect) else { continue }
                    let tap = Self.tap(at: Double(row) + 0.5, count: rect.size.height, from: small.height)
                    let skip = span.lowerBound - rect.x
                    Self.blend(
                        luma + tap.lower * columns.count + skip, luma + tap.upper * columns.count + skip,
                        Float(tap.fraction), count: span.count, into: base + y * width + span.lowerBound)
                    let blocks = span.lowerBound / 2..<(span.upperBound - 1) / 2 + 1
                    let slot = y / 2 - firstBlockRow
                    touched[slot] =
                        touched[slot].map {
                            min($0.lowerBound, blocks.lowerBound)..<max($0.upperBound, blocks.upperBound)
                        } ?? blocks
                }
            }
            // Chroma at each touched block's centre, which lies between its two pixel rows.
            blue.withUnsafeBufferPointer { blue in
                red.withUnsafeBufferPointer { red in
                    guard let blue = blue.baseAddress, let red = red.baseAddress else { return }
                    for (slot, blocks) in touched.enumerated() {
                        guard let blocks else { continue }
                        let blockRow = firstBlockRow + slot
                        let tap = Self.tap(
                            at: Double(blockRow * 2 + 1 - rect.y), count: rect.size.height, from: small.height)
                        let skip = blocks.lowerBound - firstBlockColumn
                        let start = blockRow * chromaWidth + blocks.lowerBound
                        let fraction = Float(tap.fraction)
                        Self.blend(
                            blue + tap.lower * blockColumns.count + skip, blue + tap.upper * blockColumns.count + skip,
                            fraction, count: blocks.count, into: base + blueOffset + start)
                        Self.blend(
                            red + tap.lower * blockColumns.count + skip, red + tap.upper * blockColumns.count + skip,
                            fraction, count: blocks.count, into: base + redOffset + start)
                    }
                }
            }
        }
    }

    /// Writes `count` samples blended between two widened canvas rows, each rounded to the
    /// nearest 8-bit level (clamped to 0…255).
    ///
    /// The rounding adds 1.5 × 2²³, which leaves the nearest integer (ties to even) in the low
    /// bits of the sum's representation: no checked conversion, so the loop vectorizes.
    @inline(__always)
    private static func blend(
        _ top: UnsafePointer<Float>,
        _ bottom: UnsafePointer<Float>,
        _ fraction: Float,
        count: Int,
        into target: UnsafeMutablePointer<UInt8>
    ) {
        let roundingBias: Float = 12_582_912
        for index in 0..<count {
            let upper = top[index]
            let value = upper + (bottom[index] - upper) * fraction
            let clamped = value < 0 ? 0 : (value > 255 ? 255 : value)
            target[index] = UInt8(truncatingIfNeeded: (clamped + roundingBias).bitPattern)
        }
    }

    /// Bilinear taps for each of `count` target pixels enlarged from `source` samples.
    private static func taps(count: Int, from source: Int) -> [LayeredCanvas.Tap] {
        (0..<count).map { tap(at: Double($0) + 0.5, count: count, from: source) }
    }

    /// The bilinear tap at target coordinate `position` (pixel edges: a pixel's centre is at
    /// index + 0.5), mapping `count` target pixels onto `source` samples.
    private static func tap(at position: Double, count: Int, from source: Int) -> LayeredCanvas.Tap {
        LayeredCanvas.Tap(at: position * Double(source) / Double(count) - 0.5, samples: source)
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

}

extension CellGrid {
    /// Cell means over `rect` of a video picture, in BGR: each cell's mean luma and chroma
    /// (every pixel counted with its block's chroma sample), converted once per cell.
    ///
    /// Each cell's stretch of a luma row is summed in a straight loop; its chroma, read once per
    /// chroma row (two luma rows share it), counts each whole block twice and a block cut by
    /// the cell's edge once: the same integer sums as adding a chroma sample per pixel.
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
        // Per cell column: the chroma sums of the chroma row last read.
        var chroma = [Int](repeating: 0, count: columns * 2)
        var chromaRow = -1
        picture.planes.withUnsafeBufferPointer { planes in
            guard let base = planes.baseAddress else { return }
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<rect.size.height {
                    let y = rect.y + row
                    let cellRow = (row / cellSide) * columns
                    let line = base + y * width
                    if y / 2 != chromaRow {
                        chromaRow = y / 2
                        let blueLine = base + blueOffset + chromaRow * chromaWidth
                        let redLine = base + redOffset + chromaRow * chromaWidth
                        for column in 0..<columns {
                            let first = rect.x + column * cellSide
                            let end = min(first + cellSide, rect.x + rect.size.width)
                            chroma[column * 2] = Self.chromaSum(blueLine, pixels: first..<end)
                            chroma[column * 2 + 1] = Self.chromaSum(redLine, pixels: first..<end)
                        }
                    }
                    for column in 0..<columns {
                        let first = rect.x + column * cellSide
                        let end = min(first + cellSide, rect.x + rect.size.width)
                        var luma: UInt32 = 0
                        for x in first..<end { luma &+= UInt32(line[x]) }
                        let cell = (cellRow + column) * 3
                        sums[cell] += Int(luma)
                        sums[cell + 1] += chroma[column * 2]
                        sums[cell + 2] += chroma[column * 2 + 1]
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

    /// The sum over the luma columns `pixels` of each one's chroma sample (column x reads
    /// sample x / 2 of `line`).
    @inline(__always)
    private static func chromaSum(_ line: UnsafePointer<UInt8>, pixels: Range<Int>) -> Int {
        var sum = 0
        var x = pixels.lowerBound
        if x & 1 == 1 {
            sum += Int(line[x >> 1])
            x += 1
        }
        var whole: UInt32 = 0
        for block in (x >> 1)..<max(x >> 1, pixels.upperBound >> 1) { whole &+= UInt32(line[block]) }
        sum += 2 * Int(whole)
        if pixels.upperBound & 1 == 1 { sum += Int(line[pixels.upperBound >> 1]) }
        return sum
    }
}
