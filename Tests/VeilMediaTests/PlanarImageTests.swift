import Testing
import VeilGeometry
import VeilMedia

/// Y′CbCr 4:2:0 pictures: conversions both ways and pixel write-back that touches nothing else.
@Suite struct PlanarImageTests {
    /// Flat colour blocks aligned to the 2×2 chroma grid, so subsampling loses nothing.
    static func blocks(size: PixelSize = PixelSize(width: 64, height: 48)) -> Image {
        let palette: [(UInt8, UInt8, UInt8)] = [
            (20, 40, 200), (200, 180, 30), (90, 220, 90), (240, 240, 240), (0, 0, 0),
        ]
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let colour = palette[(x / 8 + y / 8) % palette.count]
                let index = (y * size.width + x) * 3
                (pixels[index], pixels[index + 1], pixels[index + 2]) = colour
            }
        }
        return Image(size: size, pixels: pixels)
    }

    static func largestDifference(_ first: Image, _ second: Image) -> Int {
        zip(first.pixels, second.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    @Test(arguments: [ColorMatrix.bt601, .bt709, .bt2020, ColorMatrix(ffmpegColorspace: 1, isFullRange: true)])
    func roundTripKeepsColours(matrix: ColorMatrix) {
        let image = Self.blocks()
        let picture = PlanarImage(image, matrix: matrix)
        #expect(picture.planes.count == 64 * 48 * 3 / 2)
        // Limited range quantises 256 levels into 220: two levels of error at most.
        #expect(Self.largestDifference(picture.bgrImage(), image) <= 2)
    }

    @Test func knownSamplesOfLimitedRangeBT709() {
        let white = PlanarImage(
            Image(size: PixelSize(width: 2, height: 2), blue: 255, green: 255, red: 255), matrix: .bt709)
        #expect(white.planes == [235, 235, 235, 235, 128, 128])
        let red = PlanarImage(Image(size: PixelSize(width: 2, height: 2), blue: 0, green: 0, red: 255), matrix: .bt709)
        // BT.709 red: Y 63, Cb 102, Cr 240.
        #expect(red.planes == [63, 63, 63, 63, 102, 240])
    }

    @Test func oddSizesHaveRoundedUpChroma() {
        let image = Self.blocks(size: PixelSize(width: 7, height: 5))
        let picture = PlanarImage(image)
        #expect(picture.planes.count == 35 + 2 * 4 * 3)
        #expect(Self.largestDifference(picture.bgrImage(), image) <= 2)
    }

    @Test func cropMatchesTheWholeConversion() {
        let picture = PlanarImage(Self.blocks())
        let whole = picture.bgrImage()
        let crop = picture.bgrCrop(x: 6, y: 10, width: 20, height: 14)
        #expect(crop == whole.cropped(to: Box(x: 6, y: 10, width: 20, height: 14)))
    }

    @Test func replaceTouchesOnlyTheGivenPixelsAndTheirChromaBlocks() {
        let original = PlanarImage(Self.blocks())
        var picture = original
        let patch = Image(size: PixelSize(width: 10, height: 6), blue: 0, green: 0, red: 255)
        // Row r of the patch replaces columns 2..<5 only (a ragged shape), at (11, 7).
        picture.replacePixels(from: patch, x: 11, y: 7) { _ in 2..<5 }
        let width = 64
        var touchedLuma = Set<Int>()
        var touchedBlocks = Set<Int>()
        for row in 0..<6 {
            for column in 2..<5 {
                let (x, y) = (11 + column, 7 + row)
                touchedLuma.insert(y * width + x)
                touchedBlocks.insert((y / 2) * 32 + x / 2)
            }
        }
        for index in 0..<(64 * 48) {
            if touchedLuma.contains(index) {
                #expect(picture.planes[index] == 81, "luma of red (BT.601) at \(index)")
            } else {
                #expect(picture.planes[index] == original.planes[index], "luma changed at \(index)")
            }
        }
        for block in 0..<(32 * 24) {
            for plane in [64 * 48, 64 * 48 + 32 * 24] where !touchedBlocks.contains(block) {
                #expect(picture.planes[plane + block] == original.planes[plane + block], "chroma changed at \(block)")
            }
        }
        // Blocks wholly inside the replaced pixels carry the patch colour.
        #expect(picture.planes[64 * 48 + 4 * 32 + 7] == 90)
        #expect(picture.planes[64 * 48 + 32 * 24 + 4 * 32 + 7] == 240)
    }
}
