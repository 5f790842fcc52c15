import Foundation
import Testing
import VeilGeometry
import VeilMedia

/// `ImageHeader` reads sizes, pages, animation and WebP orientation without decoding, and never
/// reads out of bounds or loops on hostile bytes; `applyingEXIFOrientation` turns pixels the
/// way a viewer does.
@Suite struct ImageHeaderTests {
    static func png(width: UInt32, height: UInt32) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        bytes += Array("IHDR".utf8)
        for value in [width, height] { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0]
        return Data(bytes)
    }

    @Test func pngAndJPEGSizesComeFromTheHeader() {
        let png = ImageHeader(Self.png(width: 100_000, height: 7))
        #expect(png.container == .png && png.size == PixelSize(width: 100_000, height: 7))
        // SOI, an APP0 of 16 bytes, then SOF0 with height 0x0102 and width 0x0304.
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array(repeating: 0, count: 14)
        jpeg += [0xFF, 0xC0, 0, 17, 8, 0x01, 0x02, 0x03, 0x04, 3] + Array(repeating: 0, count: 9)
        let header = ImageHeader(Data(jpeg))
        #expect(header.container == .jpeg && header.size == PixelSize(width: 0x0304, height: 0x0102))
    }

    @Test func aVideoUnderAPhotoNameIsRecognised() {
        var mp4 = Data([0, 0, 0, 24]) + Data("ftypisom".utf8)
        mp4 += Data(count: 12)
        #expect(ImageHeader(mp4).container == .video)
        var heic = Data([0, 0, 0, 24]) + Data("ftypheic".utf8)
        heic += Data(count: 12)
        #expect(ImageHeader(heic).container == .heif)
        #expect(ImageHeader(Data([0x1A, 0x45, 0xDF, 0xA3, 1, 2])).container == .video)
    }

    @Test func aTIFFWhoseIFDPointsAtItselfIsOnePage() {
        // II*, first IFD at 8: no entries, next IFD at 8 again.
        let tiff = Data([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0, 0, 8, 0, 0, 0])
        let header = ImageHeader(tiff)
        #expect(header.container == .tiff && header.frameCount == 1)
    }

    /// Random tails after every magic number: no crash, no hang, no absurd page count.
    @Test func hostileBytesAreHarmless() {
        let magics: [[UInt8]] = [
            [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array("RIFF\0\0\0\0WEBP".utf8),
            Array("GIF89a".utf8), [0x49, 0x49, 42, 0], [0x4D, 0x4D, 0, 42], Array("BM".utf8), Array("P6".utf8),
            [0xFF, 0x4F, 0xFF, 0x51], [0, 0, 0, 12] + Array("jP  ".utf8),
        ]
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for round in 0..<3000 {
            let magic = magics[round % magics.count]
            let tail = (0..<Int(next() % 200)).map { _ in UInt8(truncatingIfNeeded: next()) }
            let header = ImageHeader(Data(magic + tail))
            #expect(header.frameCount >= 1 && header.frameCount <= 65_536)
        }
    }

    @Test func orientationsTurnLikeAViewer() {
        // 3 × 2 stored: each pixel's blue channel is its index.
        let stored = Image(size: PixelSize(width: 3, height: 2), pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        func blues(_ image: Image) -> [UInt8] {
            stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
        }
        // Stored rows: [0 1 2] [3 4 5].
        #expect(blues(stored.applyingEXIFOrientation(1)) == [0, 1, 2, 3, 4, 5])
        #expect(blues(stored.applyingEXIFOrientation(2)) == [2, 1, 0, 5, 4, 3])
        #expect(blues(stored.applyingEXIFOrientation(3)) == [5, 4, 3, 2, 1, 0])
        #expect(blues(stored.applyingEXIFOrientation(4)) == [3, 4, 5, 0, 1, 2])
        #expect(blues(stored.applyingEXIFOrientation(5)) == [0, 3, 1, 4, 2, 5])
        #expect(blues(stored.applyingEXIFOrientation(6)) == [3, 0, 4, 1, 5, 2])
        #expect(blues(stored.applyingEXIFOrientation(7)) == [5, 2, 4, 1, 3, 0])
        #expect(blues(stored.applyingEXIFOrientation(8)) == [2, 5, 1, 4, 0, 3])
        #expect(stored.applyingEXIFOrientation(6).size == PixelSize(width: 2, height: 3))
    }

    @Test func aBombIsRefusedBeforeDecoding() {
        #expect {
            try ImageCodec.decode(Self.png(width: 30_000, height: 30_000))
        } throws: { error in
            "\(error)".contains("30000 × 30000 pixels")
        }
    }
}
