import Testing
import VeilGeometry
import VeilMedia
import VeilTestSupport

@testable import VeilMasking

/// The layered mask's fast path on video pictures computes what its steps say: cell sums over
/// the planes, the photo's smoothing, and a bilinear enlargement of the canvas.
@Suite struct LayeredCanvasTests {
    static let size = PixelSize(width: 61, height: 47)

    static func picture(seed: UInt64 = 3) -> PlanarImage {
        PlanarImage(MaskGuaranteeTests.detailedImage(size: size, seed: seed), matrix: .bt709)
    }

    /// Every value of a canvas plane, read through taps that fall on the samples themselves.
    static func values(of canvas: LayeredCanvas, _ plane: LayeredCanvas.Plane) -> [Float] {
        let exact = (0..<canvas.width).map { LayeredCanvas.Tap(lower: $0, upper: $0, fraction: 0) }
        return canvas.widened(plane, to: exact)
    }

    @Test(arguments: [
        (PixelRect(x: 0, y: 0, size: PixelSize(width: 61, height: 47)), 7),
        (PixelRect(x: 3, y: 5, size: PixelSize(width: 41, height: 33)), 5),
        (PixelRect(x: 4, y: 1, size: PixelSize(width: 30, height: 21)), 4),
        (PixelRect(x: 11, y: 12, size: PixelSize(width: 1, height: 1)), 3),
    ])
    func cellSumsOverThePlanesAreThePerPixelSums(rect: PixelRect, cellSide: Int) {
        // The chroma of each cell is read per chroma row and per block; the result must be
        // exactly the sum of every pixel's own chroma sample.
        let picture = Self.picture()
        let color = YCbCrMath(picture.matrix)
        let columns = (rect.size.width + cellSide - 1) / cellSide
        let rows = (rect.size.height + cellSide - 1) / cellSide
        var sums = [Int](repeating: 0, count: columns * rows * 4)
        let chromaWidth = (picture.width + 1) / 2
        let blueOffset = picture.width * picture.height
        let redOffset = blueOffset + chromaWidth * ((picture.height + 1) / 2)
        for y in rect.y..<rect.y + rect.size.height {
            for x in rect.x..<rect.x + rect.size.width {
                let cell = ((y - rect.y) / cellSide * columns + (x - rect.x) / cellSide) * 4
                let chroma = (y / 2) * chromaWidth + x / 2
                sums[cell] += Int(picture.planes[y * picture.width + x])
                sums[cell + 1] += Int(picture.planes[blueOffset + chroma])
                sums[cell + 2] += Int(picture.planes[redOffset + chroma])
                sums[cell + 3] += 1
            }
        }
        let expected = (0..<columns * rows).flatMap { cell in
            let count = Double(sums[cell * 4 + 3])
            let bgr = color.bgr(
                luma: Double(sums[cell * 4]) / count, cb: Double(sums[cell * 4 + 1]) / count,
                cr: Double(sums[cell * 4 + 2]) / count)
            return [bgr.blue, bgr.green, bgr.red].map { min(max($0, 0), 255) }
        }
        let grid = CellGrid(of: picture, rect: rect, cellSide: cellSide, color: color)
        #expect(grid.columns == columns && grid.rows == rows)
        #expect(grid.means == expected)
    }

    @Test(arguments: [0.5, 1.5, 3.0])
    func smoothingMatchesThePhotosCanvas(sigma: Double) throws {
        // The photo's canvas: the grid interpolated to 8-bit BGR and smoothed by OpenCV. The
        // video's keeps floating point: the two agree to within the photo's two roundings.
        var generator = SplitMix64(seed: 9)
        let means = (0..<6 * 5 * 3).map { _ in Double.random(in: -20...275, using: &generator) }
        let grid = CellGrid(columns: 6, rows: 5, cellSide: 6, means: means)
        let size = PixelSize(width: 36, height: 30)
        var photo = grid.interpolated(size: size)
        try Masker().blur(&photo, sigma: sigma)
        let color = YCbCrMath(.bt709)
        var canvas = LayeredCanvas(grid, size: size, scale: 1, color: color)
        canvas.smooth(sigma: sigma)
        let luma = Self.values(of: canvas, .luma)
        let blue = Self.values(of: canvas, .blue)
        let red = Self.values(of: canvas, .red)
        var largest = 0.0
        for index in 0..<size.width * size.height {
            let expected = color.yCbCr(
                blue: Double(photo.pixels[index * 3]), green: Double(photo.pixels[index * 3 + 1]),
                red: Double(photo.pixels[index * 3 + 2]))
            largest = max(
                largest, abs(expected.luma - Double(luma[index])), abs(expected.cb - Double(blue[index])),
                abs(expected.cr - Double(red[index])))
        }
        #expect(largest <= 1.5)
        // The tolerance tells smoothing from none: the unsmoothed canvas lies farther away
        // (3.9 levels at σ 0.5, more at wider σ).
        let unsmoothed = Self.values(of: LayeredCanvas(grid, size: size, scale: 1, color: color), .luma)
        #expect(zip(unsmoothed, luma).map { abs($0 - $1) }.max() ?? 0 > 3)
    }

    @Test(arguments: [
        MaskRegion(box: Box(x: 5.5, y: 3.2, width: 50, height: 41), shape: .ellipse, objectClass: .face),
        MaskRegion(box: Box(x: 2, y: 1, width: 57, height: 44), shape: .box, objectClass: .plate),
        MaskRegion(box: Box(x: 10, y: 9, width: 13, height: 17), shape: .ellipse, objectClass: .face),
    ])
    func writtenSamplesAreTheCanvasEnlargedBilinearly(region: MaskRegion) throws {
        // Rebuild the canvas the masker draws (same seed), sample it per pixel in Double, and
        // compare with what was written: the row blends in Float may differ by one level only
        // next to a half level.
        let original = Self.picture()
        var picture = original
        var generator = SplitMix64(seed: 21)
        let masker = Masker(style: .layered)
        try masker.apply([region], to: &picture, using: &generator)

        let rect = try #require(PixelRect(covering: region.box, in: picture.size))
        let cellSide = max(
            1, Int((max(region.box.width, region.box.height) / Double(masker.settings.layeredCells)).rounded(.up)))
        let color = YCbCrMath(picture.matrix)
        var grid = CellGrid(of: original, rect: rect, cellSide: cellSide, color: color)
        grid.flatten(keeping: masker.settings.layeredContrast)
        var replay = SplitMix64(seed: 21)
        grid.perturb(amplitude: masker.settings.layeredNoise, using: &replay)
        let scale = min(1, Masker.workingCellSide / Double(cellSide))
        var canvas = LayeredCanvas(grid, size: Masker.scaled(rect.size, by: scale), scale: scale, color: color)
        canvas.smooth(sigma: Double(cellSide) * scale * masker.settings.layeredSmoothingFraction)
        let planes = [LayeredCanvas.Plane.luma, .blue, .red].map { Self.values(of: canvas, $0) }

        func sample(_ plane: Int, x: Double, y: Double) -> Double {
            func tap(_ position: Double, count: Int, source: Int) -> (Int, Int, Double) {
                let coordinate = min(max(position * Double(source) / Double(count) - 0.5, 0), Double(source - 1))
                let lower = Int(coordinate)
                return (lower, min(lower + 1, source - 1), coordinate - Double(lower))
            }
            let (left, right, fx) = tap(x - Double(rect.x), count: rect.size.width, source: canvas.width)
            let (top, bottom, fy) = tap(y - Double(rect.y), count: rect.size.height, source: canvas.height)
            let values = planes[plane]
            func at(_ column: Int, _ row: Int) -> Double { Double(values[row * canvas.width + column]) }
            let upper = at(left, top) + (at(right, top) - at(left, top)) * fx
            let lower = at(left, bottom) + (at(right, bottom) - at(left, bottom)) * fx
            return upper + (lower - upper) * fy
        }
        var compared = 0
        var differing = 0
        var largest = 0
        let chromaWidth = (picture.width + 1) / 2
        let blueOffset = picture.width * picture.height
        let redOffset = blueOffset + chromaWidth * ((picture.height + 1) / 2)
        for y in rect.y..<rect.y + rect.size.height {
            guard let span = region.span(ofPixelRow: y, clippedTo: rect) else { continue }
            for x in span {
                let expected = Int(min(max(sample(0, x: Double(x) + 0.5, y: Double(y) + 0.5), 0), 255).rounded())
                // The block's chroma is sampled at the block's centre.
                let blockX = Double(x / 2 * 2 + 1)
                let blockY = Double(y / 2 * 2 + 1)
                let chroma = (y / 2) * chromaWidth + x / 2
                let pairs = [
                    (expected, Int(picture.planes[y * picture.width + x])),
                    (Int(sample(1, x: blockX, y: blockY).rounded()), Int(picture.planes[blueOffset + chroma])),
                    (Int(sample(2, x: blockX, y: blockY).rounded()), Int(picture.planes[redOffset + chroma])),
                ]
                for (wanted, written) in pairs {
                    compared += 1
                    if wanted != written { differing += 1 }
                    largest = max(largest, abs(wanted - written))
                }
            }
        }
        #expect(compared > 0)
        #expect(largest <= 1)
        #expect(differing * 100 <= compared)
    }

    /// A box far larger than any picture (the fuzzer's 9.2e19 px plate) or not finite is clipped
    /// to the picture, never converted to an integer first: masking it cannot trap; a box with
    /// a coordinate that is not a number masks the whole picture.
    @Test(arguments: [
        Box(x: 40, y: 30, width: 22, height: 92_233_720_368_547_758_078),
        Box(x: -.infinity, y: 5, width: .infinity, height: 10),
        Box(x: .nan, y: 5, width: 10, height: 10),
    ])
    func hugeBoxesAreClippedToThePicture(box: Box) throws {
        #expect(
            PixelRect(
                covering: MaskRegion(box: box, shape: .box, objectClass: .plate).bounded(within: Self.size).box,
                in: Self.size) != nil)
        for style in [MaskStyle.layered, .fill] {
            var picture = Self.picture()
            try Masker(style: style).apply([MaskRegion(box: box, shape: .box, objectClass: .plate)], to: &picture)
            #expect(picture != Self.picture())
        }
    }
}
