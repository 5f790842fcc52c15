import Foundation
import Testing
import VeilMedia

/// Inputs the metadata fuzz target (`veil-fuzz metadata`) found crashing the reader or the
/// `--keep-metadata` EXIF copier, kept as regression tests: each must give an answer, not a trap.
@Suite struct MalformedMetadataTests {
    /// A JPEG segment whose length field (0 or 1) is shorter than the length field itself.
    @Test(arguments: [0, 1] as [UInt8])
    func jpegSegmentShorterThanItsLengthField(length: UInt8) {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, length, 0x45, 0x78]
        #expect(MetadataInspector.metadataBlocks(in: Data(jpeg)) == [])
        let output = Data([0xFF, 0xD8, 0xFF, 0xD9])
        #expect(MetadataTransfer.copyingSafeEXIF(from: Data(jpeg), into: output) == output)
    }

    /// An `APP1 Exif` segment whose length ends inside its own `Exif\0\0` header.
    @Test(arguments: [2, 4, 7] as [UInt8])
    func exifSegmentEndingInsideItsHeader(length: UInt8) {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, length] + Array("Exif\0\0".utf8) + Array("II*\0".utf8)
        let output = Data([0xFF, 0xD8, 0xFF, 0xD9])
        #expect(MetadataTransfer.copyingSafeEXIF(from: Data(jpeg), into: output) == output)
    }

    /// An output whose JFIF segment claims to run past the end of the file.
    @Test func outputWithAnOverlongJFIFSegment() throws {
        let exif =
            Array("Exif\0\0".utf8) + Array("II*\0".utf8) + [8, 0, 0, 0]
            + [1, 0] + [0x0F, 0x01, 2, 0, 4, 0, 0, 0] + Array("Cam\0".utf8) + [0, 0, 0, 0]
        let original: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, UInt8(exif.count + 2)] + exif + [0xFF, 0xD9]
        let output: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF, 0x00]
        let copied = MetadataTransfer.copyingSafeEXIF(from: Data(original), into: Data(output))
        #expect(copied.count > output.count)
    }
}
