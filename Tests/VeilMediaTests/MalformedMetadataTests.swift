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

    /// Found by `veil-fuzz image` (not metadata, but the same kind of header arithmetic): a
    /// JPEG 2000 header whose two 32-bit sides multiply past `Int.max` trapped in
    /// `ImageHeader.pixelCount`; it must be refused as too large instead.
    @Test func jpeg2000SidesWhoseProductOverflows() throws {
        let encoded =
            "/0//UUlJKgDWAAAA/gAA//4AA/8A///+AP//AgD/APz//gAH/wAA/wD/AAD+//8ABP8A/wAA/v/9AP7/AwD/AAD+//8A//4A"
            + "//8CAP8A/P/+AAf/AAD/ZWljAAAAAG1pZjFoZWljbWlhZgAAAAACAAAAEGlkYXQAAAAAABAAEAAAADhpbG9jAQAAAERAAAIA"
            + "AQAAAAAAAAHRAAEAAAAAAAAAABBwaXhpAAAAAAMICAgAAAAaaXBtYQAAAAAAAAACAAECgQIAAgIDhAAAABppcmVmAAAAAAAA"
            + "AA5kaW1nAAIAAQABAAAAuG1pcmVmZGF0AAAArCgBrxkh/BwL/Ekl6XzgSiVhIE2pWO7pLkD6Y/ulbwZ3+a3qo5KtyF81YOUI"
            + "AOhw5hmuWz0AEN3prNymh4gq8l+hDu3gcImzRBIfapAscn1m62L4ZZpw3S9AR+vNoi9N4CO03SYn+si1hPJrFtv+4HB5+oWW"
            + "xsJEaE3FwdbdplxtoPRK6zIx5wH5n7Ewsb86XGRZWITZvE5vY3+McGl0bQAAAAAAAgAAABBpZGF0AAAAAAAQABAAAAA4aWxv"
            + "YwEAAABEQAACAAEAAAAAAAAB0QABAAAAAAEAAGh2YzEAAAAAFWluZmUCAAAAAAIAAGdyaWQAAAAA2GlwcnAAAAC2aXBjbwAA"
            + "AHZodmNDAQNwAAAAAAAAAAAAHvAA/P34+AAADwMgAAEA//8IP/8YQAEMAf//A3AAAAMAkAAAaWRhdAAAAAAAEAAQAAAAOGls"
            + "b2MBAAAAREAAAgABAAAAAAAAAdEAAQAAAAAAAAAAEHBpeGkAAAAAAwgICAAAABppcG1hAAAAAAAAAAIAAQKBAgACAgOEAAAA"
            + "GmlyZWYAAAAAAAAADmRpbWcAAgABAAEAAAC4bWlyZWZkYXQAAACsKAGvGSH8HAv8SSXpfOBKJWEgTalY7ukuQPpj+6VvBnf5"
            + "reqjkq3IXzJg5QgA6HDmGa5bPQAQ3ems3KaHiCryX6EO7eBwibNEEh9qkCxyfWbrYvhlmnDdL0BH682iL03gI7TdJif6yLWE"
            + "8msW2/7gcHn6hZbGwkRoTcXB1t2mXG2g9ErrMjHnAfmfsTCxvzpcZFlYhNm8Tm9jf4xwaXRtAAAAAAACAAAAEGlkYXQAAAAA"
            + "ABAAEAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBy"
            + "cAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQD/AwCAAA=="
        let data = try #require(Data(base64Encoded: encoded))
        #expect(throws: MediaError.self) { try ImageCodec.decode(data) }
    }
}
