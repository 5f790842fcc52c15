import Foundation
import Testing
import VeilMedia

@Suite struct ImageIntegrityTests {
    static func jpeg(progressive: Bool = false) throws -> Data {
        let folder = try Fixtures.directory()
        let url = folder.appendingPathComponent("a.jpg")
        let arguments =
            ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "-q:v", "3"]
            + (progressive ? ["-c:v", "mjpeg", "-huffman", "default"] : []) + [url.path]
        try #require(Fixtures.run("ffmpeg", arguments) != nil)
        return try Data(contentsOf: url)
    }

    @Test func anIntactJPEGAndOtherFormatsHaveNoDamage() throws {
        #expect(ImageIntegrity.damage(in: try Self.jpeg()) == nil)
        let png = try ImageCodec.encode(Fixtures.markedImage(), format: .png, quality: 92)
        #expect(ImageIntegrity.damage(in: png) == nil)
        #expect(ImageIntegrity.damage(in: Data()) == nil)
    }

    @Test(arguments: [0.4, 0.5, 0.6, 0.95])
    func aTruncatedJPEGIsDamagedThoughItStillDecodes(fraction: Double) throws {
        let bytes = try Self.jpeg()
        let cut = bytes.prefix(Int(Double(bytes.count) * fraction))
        #expect(ImageIntegrity.damage(in: cut)?.contains("Premature end") == true)
        // What OpenCV alone does with it: decodes without complaint (the reason for the check).
        #expect((try? ImageCodec.decode(cut)) != nil)
    }

    @Test func overwrittenBytesInTheMiddleAreDamage() throws {
        var bytes = try Self.jpeg()
        let middle = bytes.count / 2
        // 0xFF followed by a byte that is no marker: corrupt entropy-coded data.
        for offset in stride(from: middle, to: middle + 64, by: 2) {
            bytes[offset] = 0xFF
            bytes[offset + 1] = 0x99
        }
        #expect(ImageIntegrity.damage(in: bytes) != nil)
    }
}

@Suite struct OtherFormatIntegrityTests {
    static func encoded(_ format: String) throws -> Data {
        let folder = try Fixtures.directory()
        let url = folder.appendingPathComponent("a.\(format)")
        let arguments = ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64", "-frames:v", "1", url.path]
        try #require(Fixtures.run("ffmpeg", arguments) != nil)
        return try Data(contentsOf: url)
    }

    @Test(arguments: ["png", "bmp", "ppm", "pgm"])
    func intactFilesPassAndCutOnesAreNamed(format: String) throws {
        let bytes = try Self.encoded(format)
        #expect(ImageIntegrity.damage(in: bytes) == nil)
        #expect(try ImageCodec.decode(bytes).size.width == 96)
        for fraction in [0.5, 0.9] {
            let cut = bytes.prefix(Int(Double(bytes.count) * fraction))
            #expect(ImageIntegrity.damage(in: cut)?.contains("truncated") == true, "\(format) at \(fraction)")
        }
    }

    @Test func aPNGWithAFlippedByteFailsItsChecksum() throws {
        var bytes = try Self.encoded("png")
        bytes[bytes.count / 2] ^= 0x40
        #expect(ImageIntegrity.damage(in: bytes)?.contains("checksum") == true)
    }
}
