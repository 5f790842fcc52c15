import Testing
import VeilGeometry
import VeilMedia
import VeilTestSupport

/// Local contrast equalization (CLAHE through OpenCV): faint detail gains contrast, plain
/// areas stay plain, sizes and bad arguments as documented.
@Suite struct LocalContrastTests {
    /// Mean green value inside and just outside the patch.
    static func patchContrast(_ image: Image) -> Double {
        func mean(_ rows: Range<Int>, _ columns: Range<Int>) -> Double {
            var sum = 0.0
            for y in rows { for x in columns { sum += Double(image.pixels[(y * image.width + x) * 3 + 1]) } }
            return sum / Double(rows.count * columns.count)
        }
        return mean(42..<54, 34..<62) - mean(24..<36, 34..<62)
    }

    @Test func aFaintPatchGainsContrast() throws {
        let image = TestImages.faintPatch()
        let equalized = try image.locallyEqualized(clipLimit: 3, tileSide: 48)
        #expect(equalized.size == image.size)
        #expect(Self.patchContrast(image) == 10)
        #expect(Self.patchContrast(equalized) >= 24)
        // The input is a value: untouched.
        #expect(image == TestImages.faintPatch())
    }

    @Test func aPlainImageStaysPlain() throws {
        let plain = Image(size: PixelSize(width: 64, height: 40), blue: 90, green: 90, red: 90)
        let equalized = try plain.locallyEqualized(clipLimit: 3, tileSide: 16)
        #expect(equalized.size == plain.size)
        #expect(equalized.pixels.max()! - equalized.pixels.min()! <= 2)
    }

    @Test func badArgumentsThrow() {
        let image = TestImages.faintPatch()
        #expect(throws: MediaError.self) { try image.locallyEqualized(clipLimit: 3, tileSide: 0) }
        #expect(throws: MediaError.self) { try image.locallyEqualized(clipLimit: 0, tileSide: 48) }
        #expect(throws: MediaError.self) { try image.locallyEqualized(clipLimit: .nan, tileSide: 48) }
    }
}
