import Testing
import VeilGeometry
import VeilMedia
import VeilVideo

/// Every frame width from 2 to 1,300 (and the common phone and web sizes) through the detectors'
/// YUV → BGR conversion, unscaled and shrunk.
///
/// FFmpeg's SIMD converters work in blocks of 8–32 pixels: handed an exact-sized buffer they
/// wrote past a row's end (heap corruption for `width mod 16` in 8…15) or left the last columns
/// unwritten (`width mod 16` in 1…7). This sweep checks that every column of every output row
/// holds the value its input column implies; under the sanitizer build (`make test`) any read
/// or write outside a buffer aborts the run.
@Suite struct FrameSizeSweepTests {
    /// Luma that differs from column to column (never 16, which converts to 0 like zeroed
    /// memory would), neutral chroma: a grey ramp whose every column is known.
    static func lumaRamp(_ column: Int) -> UInt8 { UInt8(40 + (column * 37) % 190) }

    static func picture(width: Int, height: Int) -> PlanarImage {
        let size = PixelSize(width: width, height: height)
        var planes = [UInt8](repeating: 128, count: PlanarImage.byteCount(for: size))
        for y in 0..<height {
            for x in 0..<width { planes[y * width + x] = lumaRamp(x) }
        }
        return PlanarImage(size: size, matrix: .bt601, planes: planes)
    }

    /// The BGR grey level limited-range luma `y` converts to.
    static func grey(_ y: UInt8) -> Int { Int((Double(Int(y) - 16) * 255 / 219).rounded()) }

    /// The first column whose pixels are not the grey the ramp implies, if any.
    static func firstWrongColumn(_ image: Image, tolerance: Int = 3) -> Int? {
        for x in 0..<image.width {
            let expected = grey(lumaRamp(x))
            for y in 0..<image.height {
                let pixel = image[x, y]
                let worst = max(
                    abs(Int(pixel.blue) - expected), abs(Int(pixel.green) - expected), abs(Int(pixel.red) - expected))
                if worst > tolerance { return x }
            }
        }
        return nil
    }

    @Test(arguments: [2, 3, 17])
    func everyWidthFrom2To1300ConvertsEveryColumn(height: Int) throws {
        let scaler = FrameScaler()
        var wrong: [String] = []
        for width in 2...1300 {
            let picture = Self.picture(width: width, height: height)
            let image = try scaler.bgr(of: picture, size: picture.size)
            if let column = Self.firstWrongColumn(image) { wrong.append("\(width)x\(height) column \(column)") }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test(arguments: [2, 3, 17])
    func everyWidthShrinksWithoutTouchingOutsideTheBuffers(height: Int) throws {
        let scaler = FrameScaler()
        for width in stride(from: 4, through: 1300, by: 1) {
            let picture = Self.picture(width: width, height: height)
            let (image, _, _) = try scaler.bgr(of: picture, longestSide: max(2, width * 2 / 3))
            // Area averaging mixes neighbouring columns: only the range of greys is known.
            let greys = image.pixels
            #expect(greys.allSatisfy { $0 >= 20 && $0 <= 255 }, "\(width)x\(height)")
        }
    }

    /// Phone and web sizes, portrait and landscape, plus the sizes users saw abort.
    static let commonSizes: [(Int, Int)] = [
        (426, 240), (240, 426), (640, 360), (360, 640), (854, 480), (480, 854), (960, 540), (540, 960),
        (1280, 720), (720, 1280), (1920, 1080), (1080, 1920), (1080, 608), (1000, 600), (1272, 720),
        (1928, 1080), (2560, 1440), (3840, 2160), (2160, 3840), (2, 2), (3, 2), (2, 3),
    ]

    @Test(arguments: commonSizes)
    func commonSizesConvertAtFullSizeAndForEveryDetectionPass(width: Int, height: Int) throws {
        let scaler = FrameScaler()
        let picture = Self.picture(width: width, height: height)
        let full = try scaler.bgr(of: picture, size: picture.size)
        #expect(Self.firstWrongColumn(full) == nil)
        for side in [1280, 640, 320] where side < max(width, height) {
            let (image, scaleX, scaleY) = try scaler.bgr(of: picture, longestSide: side)
            #expect(max(image.width, image.height) == side)
            #expect(abs(Double(image.width) * scaleX - Double(width)) < 1e-6)
            #expect(abs(Double(image.height) * scaleY - Double(height)) < 1e-6)
        }
    }
}
