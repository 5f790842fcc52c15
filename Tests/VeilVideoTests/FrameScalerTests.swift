import Testing
import VeilGeometry
import VeilMedia
import VeilVideo

/// Small BGR copies of video pictures for the detectors.
@Suite struct FrameScalerTests {
    /// Left half blue-ish, right half orange, BT.709.
    static func picture(size: PixelSize) -> PlanarImage {
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let index = (y * size.width + x) * 3
                (pixels[index], pixels[index + 1], pixels[index + 2]) =
                    x < size.width / 2 ? (200, 90, 30) : (20, 140, 240)
            }
        }
        return PlanarImage(Image(size: size, pixels: pixels), matrix: .bt709)
    }

    @Test func shrinksToTheLongestSideAndReportsTheFactors() throws {
        let scaler = FrameScaler()
        let (image, scaleX, scaleY) = try scaler.bgr(
            of: Self.picture(size: PixelSize(width: 320, height: 240)), longestSide: 80)
        #expect(image.size == PixelSize(width: 80, height: 60))
        #expect(scaleX == 4 && scaleY == 4)
        // Colours survive the matrix (within a few levels) away from the edge between halves.
        let left = image[10, 30]
        let right = image[70, 30]
        #expect(abs(Int(left.blue) - 200) <= 3 && abs(Int(left.green) - 90) <= 3 && abs(Int(left.red) - 30) <= 3)
        #expect(abs(Int(right.blue) - 20) <= 3 && abs(Int(right.green) - 140) <= 3 && abs(Int(right.red) - 240) <= 3)
    }

    @Test func neverEnlargesAndAgreesWithTheSwiftConversion() throws {
        let scaler = FrameScaler()
        let picture = Self.picture(size: PixelSize(width: 64, height: 36))
        for side in [nil, 64, 1000] {
            let (image, scaleX, scaleY) = try scaler.bgr(of: picture, longestSide: side)
            #expect(image.size == picture.size)
            #expect(scaleX == 1 && scaleY == 1)
            // FFmpeg interpolates chroma between samples, the Swift conversion repeats them:
            // they agree away from the one colour edge.
            let reference = picture.bgrImage()
            var difference = 0
            for y in 0..<picture.height {
                for x in 0..<picture.width where !(28..<36).contains(x) {
                    let (a, b) = (image[x, y], reference[x, y])
                    difference = max(
                        difference, abs(Int(a.blue) - Int(b.blue)), abs(Int(a.green) - Int(b.green)),
                        abs(Int(a.red) - Int(b.red)))
                }
            }
            #expect(difference <= 3)
        }
    }

    @Test func reusedAcrossSizes() throws {
        let scaler = FrameScaler()
        for (width, height) in [(320, 240), (96, 54), (320, 240)] {
            let picture = Self.picture(size: PixelSize(width: width, height: height))
            let (image, _, _) = try scaler.bgr(of: picture, longestSide: 48)
            #expect(max(image.width, image.height) == 48)
        }
    }
}
