import Foundation
import VeilGeometry

/// The layered mask's small canvas as Y′CbCr planes in floating point: the noisy cell grid
/// interpolated at ``Masker/workingCellSide`` pixels per cell, smoothed, then sampled bilinearly
/// when a video picture is written.
///
/// Built from the cell means alone, so nothing of the picture beyond them reaches it. Its
/// values are kept unrounded from the grid to the picture (a photo's canvas is rounded to
/// 8 bits after interpolation and after smoothing; here only the written samples are).
struct LayeredCanvas {
    /// Two neighbouring samples and the weight of the second.
    struct Tap {
        var lower: Int
        var upper: Int
        var fraction: Double
    }

    /// One of the canvas's planes.
    enum Plane {
        case luma
        case blue
        case red
    }

    let width: Int
    let height: Int
    private var luma: [Float]
    private var blue: [Float]
    private var red: [Float]

    /// The grid interpolated bilinearly between cell centres at `scale` times its pixel size
    /// (as ``CellGrid/interpolated(size:scale:)``), each colour clamped to 0…255 in BGR (as a
    /// photo's canvas is), then converted to Y′CbCr.
    init(_ grid: CellGrid, size: PixelSize, scale: Double, color: YCbCrMath) {
        let (width, height) = (size.width, size.height)
        self.width = width
        self.height = height
        let count = width * height
        var luma = [Float](repeating: 0, count: count)
        var blue = [Float](repeating: 0, count: count)
        var red = [Float](repeating: 0, count: count)
        let side = Double(grid.cellSide) * scale
        let columnTaps = (0..<width).map { Self.cellTap(at: $0, side: side, cells: grid.columns) }
        grid.means.withUnsafeBufferPointer { means in
            for y in 0..<height {
                let row = Self.cellTap(at: y, side: side, cells: grid.rows)
                for (x, column) in columnTaps.enumerated() {
                    var bgr: (Double, Double, Double) = (0, 0, 0)
                    for channel in 0..<3 {
                        let topLeft = means[(row.lower * grid.columns + column.lower) * 3 + channel]
                        let topRight = means[(row.lower * grid.columns + column.upper) * 3 + channel]
                        let bottomLeft = means[(row.upper * grid.columns + column.lower) * 3 + channel]
                        let bottomRight = means[(row.upper * grid.columns + column.upper) * 3 + channel]
                        let top = topLeft + (topRight - topLeft) * column.fraction
                        let bottom = bottomLeft + (bottomRight - bottomLeft) * column.fraction
                        let value = min(max(top + (bottom - top) * row.fraction, 0), 255)
                        switch channel {
                        case 0: bgr.0 = value
                        case 1: bgr.1 = value
                        default: bgr.2 = value
                        }
                    }
                    let converted = color.yCbCr(blue: bgr.0, green: bgr.1, red: bgr.2)
                    luma[y * width + x] = Float(converted.luma)
                    blue[y * width + x] = Float(converted.cb)
                    red[y * width + x] = Float(converted.cr)
                }
            }
        }
        self.luma = luma
        self.blue = blue
        self.red = red
    }

    /// Where canvas pixel `index` falls between cell centres `side` pixels apart.
    private static func cellTap(at index: Int, side: Double, cells: Int) -> Tap {
        Tap(at: (Double(index) + 0.5) / side - 0.5, samples: cells)
    }

    /// Gaussian smoothing of every plane with standard deviation `sigma` (pixels), edges
    /// replicated; nothing when `sigma` is not positive.
    ///
    /// The kernel is OpenCV's for 8-bit images (`GaussianBlur` with a zero size: 2 × 3σ + 1
    /// taps, odd), which smooths a photo's canvas; here it runs in floating point on the small
    /// canvas, one pass per direction.
    ///
    /// - Complexity: O(width × height × σ) per plane.
    mutating func smooth(sigma: Double) {
        guard sigma > 0 else { return }
        let kernel = Self.gaussianKernel(sigma: sigma)
        Self.smooth(&luma, width: width, height: height, kernel: kernel)
        Self.smooth(&blue, width: width, height: height, kernel: kernel)
        Self.smooth(&red, width: width, height: height, kernel: kernel)
    }

    /// Normalized Gaussian weights over as many taps as OpenCV gives 8-bit images
    /// (`round(6σ + 1)`, made odd).
    static func gaussianKernel(sigma: Double) -> [Float] {
        let size = Int((sigma * 6 + 1).rounded()) | 1
        let centre = Double(size - 1) / 2
        let weights = (0..<size).map { index in
            let offset = Double(index) - centre
            return exp(-offset * offset / (2 * sigma * sigma))
        }
        let total = weights.reduce(0, +)
        return weights.map { Float($0 / total) }
    }

    /// One separable Gaussian pass along rows (each row read from a copy padded with its edge
    /// samples), then one along columns, a whole row at a time (each output row sums the rows
    /// around it, edge rows repeated): every inner loop is a straight, vectorizable loop.
    private static func smooth(_ plane: inout [Float], width: Int, height: Int, kernel: [Float]) {
        let radius = kernel.count / 2
        var padded = [Float](repeating: 0, count: width + 2 * radius)
        var smoothed = [Float](repeating: 0, count: width * height)
        plane.withUnsafeMutableBufferPointer { plane in
            padded.withUnsafeMutableBufferPointer { padded in
                kernel.withUnsafeBufferPointer { kernel in
                    guard let rows = plane.baseAddress else { return }
                    for y in 0..<height {
                        convolve(rows + y * width, count: width, padded: padded, kernel: kernel)
                    }
                    smoothed.withUnsafeMutableBufferPointer { smoothed in
                        guard let target = smoothed.baseAddress else { return }
                        for y in 0..<height {
                            let line = target + y * width
                            for (offset, weight) in kernel.enumerated() {
                                let source = rows + min(max(y + offset - radius, 0), height - 1) * width
                                for x in 0..<width { line[x] += weight * source[x] }
                            }
                        }
                    }
                }
            }
        }
        plane = smoothed
    }

    /// Convolves `count` values at `line` in place with `kernel`, edges replicated.
    @inline(__always)
    private static func convolve(
        _ line: UnsafeMutablePointer<Float>,
        count: Int,
        padded: UnsafeMutableBufferPointer<Float>,
        kernel: UnsafeBufferPointer<Float>
    ) {
        let radius = kernel.count / 2
        for index in 0..<radius {
            padded[index] = line[0]
            padded[radius + count + index] = line[count - 1]
        }
        for index in 0..<count { padded[radius + index] = line[index] }
        for index in 0..<count { line[index] = 0 }
        for (offset, weight) in kernel.enumerated() {
            let source = padded.baseAddress! + offset
            for index in 0..<count { line[index] += weight * source[index] }
        }
    }

    /// Every row of a plane enlarged horizontally: for each tap, the value between its two
    /// columns; `height × taps.count` values, row by row.
    func widened(_ plane: Plane, to taps: [Tap]) -> [Float] {
        let values =
            switch plane {
            case .luma: luma
            case .blue: blue
            case .red: red
            }
        return [Float](unsafeUninitializedCapacity: height * taps.count) { widened, count in
            values.withUnsafeBufferPointer { values in
                for row in 0..<height {
                    let line = row * width
                    let target = row * taps.count
                    for (index, tap) in taps.enumerated() {
                        let left = values[line + tap.lower]
                        let right = values[line + tap.upper]
                        widened[target + index] = left + (right - left) * Float(tap.fraction)
                    }
                }
            }
            count = height * taps.count
        }
    }
}

extension LayeredCanvas.Tap {
    /// The samples around `coordinate` (in samples, their centres at whole numbers) of a
    /// row of `samples`, the coordinate clamped to the row.
    init(at coordinate: Double, samples: Int) {
        let clamped = min(max(coordinate, 0), Double(samples - 1))
        lower = Int(clamped)
        upper = min(lower + 1, samples - 1)
        fraction = clamped - Double(lower)
    }
}
