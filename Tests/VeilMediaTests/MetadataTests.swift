import Foundation
import Testing
import VeilMedia

/// Metadata must really be gone: checked by parsing the output (our parser and exiftool), not
/// by trusting the encoder.
@Suite struct MetadataTests {
    /// A JPEG carrying GPS, a thumbnail, a serial number, XMP, IPTC and a comment.
    static func taggedJPEG(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("tagged.jpg")
        try ImageCodec.write(Fixtures.markedImage(width: 320, height: 240), to: url, quality: 90)
        let thumbnail = directory.appendingPathComponent("thumb.jpg")
        try ImageCodec.write(Fixtures.markedImage(width: 64, height: 48), to: thumbnail, quality: 80)
        let ok = Fixtures.run(
            "exiftool",
            [
                "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945",
                "-GPSLongitudeRef=E", "-Make=ExampleCam", "-Model=X100", "-SerialNumber=SN-42",
                "-BodySerialNumber=BODY-42", "-DateTimeOriginal=2024:01:02 03:04:05", "-FNumber=2.8",
                "-XMP:Creator=Someone", "-IPTC:By-line=Someone", "-Comment=hello", "-Artist=Someone",
                "-ThumbnailImage<=\(thumbnail.path)", url.path,
            ]
        )
        try #require(ok != nil, "exiftool failed to tag the fixture")
        return url
    }

    static func exifTags(_ url: URL) -> String {
        // File-system and tool lines are not metadata (and the test directory's name would
        // match the words searched for).
        (Fixtures.run("exiftool", ["-a", "-G1", "-s", url.path]) ?? "")
            .split(separator: "\n")
            .filter { !$0.hasPrefix("[System]") && !$0.hasPrefix("[ExifTool]") }
            .joined(separator: "\n")
    }

    @Test func fixtureReallyCarriesMetadata() throws {
        try #require(Fixtures.hasExiftool)
        let url = try Self.taggedJPEG(in: try Fixtures.directory())
        let blocks = MetadataInspector.metadataBlocks(in: try Data(contentsOf: url))
        #expect(blocks.contains { $0.hasPrefix("APP1:Exif") })
        #expect(Self.exifTags(url).contains("GPSLatitude"))
        #expect(Self.exifTags(url).contains("ThumbnailImage"))
    }

    @Test(arguments: ["jpg", "png", "webp"])
    func outputsCarryNoMetadata(format: String) throws {
        try #require(Fixtures.hasExiftool)
        let directory = try Fixtures.directory()
        let input = try Self.taggedJPEG(in: directory)
        let output = directory.appendingPathComponent("out.\(format)")
        try ImageCodec.write(try ImageCodec.read(input), to: output, quality: 90)
        #expect(MetadataInspector.metadataBlocks(in: try Data(contentsOf: output)).isEmpty)
        let tags = Self.exifTags(output)
        for forbidden in ["GPS", "Thumbnail", "Serial", "Creator", "By-line", "Comment", "Make", "Artist"] {
            #expect(!tags.contains(forbidden), "\(forbidden) survived in .\(format)")
        }
    }

    @Test func keptMetadataStillDropsGPSThumbnailAndSerials() throws {
        try #require(Fixtures.hasExiftool)
        let directory = try Fixtures.directory()
        let input = try Self.taggedJPEG(in: directory)
        let original = try Data(contentsOf: input)
        let clean = try ImageCodec.encode(try ImageCodec.decode(original), format: .jpg, quality: 90)
        let output = directory.appendingPathComponent("kept.jpg")
        try MetadataTransfer.copyingSafeEXIF(from: original, into: clean).write(to: output)
        let tags = Self.exifTags(output)
        #expect(tags.contains("ExampleCam"))
        #expect(tags.contains("2024:01:02 03:04:05"))
        #expect(tags.contains("FNumber"))
        for forbidden in ["GPS", "Thumbnail", "SerialNumber", "Creator", "By-line", "Artist", "Orientation"] {
            #expect(!tags.contains(forbidden), "\(forbidden) survived --keep-metadata")
        }
        // Still a valid image of the same size.
        #expect(try ImageCodec.read(output).size == (try ImageCodec.decode(clean)).size)
    }

    @Test func inspectorFindsEachKindOfBlock() {
        let jpeg: [UInt8] =
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x07] + Array("JFIF\0".utf8)
            + [0xFF, 0xE1, 0x00, 0x08] + Array("Exif\0\0".utf8) + [0xFF, 0xFE, 0x00, 0x04, 0x41, 0x42, 0xFF, 0xDA]
        #expect(MetadataInspector.metadataBlocks(in: Data(jpeg)) == ["APP1:Exif", "COM"])
    }
}
