import Foundation
import Testing
import VeilGeometry
import VeilMedia

@Suite struct ImageCodecTests {
    @Test(arguments: ["png", "bmp", "tiff", "webp"])
    func losslessRoundTrip(format: String) throws {
        let directory = try Fixtures.directory()
        let image = Fixtures.markedImage()
        let url = directory.appendingPathComponent("x.\(format)")
        try ImageCodec.write(image, to: url, quality: 100)
        let back = try ImageCodec.read(url)
        #expect(back.size == image.size)
        let largest = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(largest <= (format == "webp" ? 40 : 0))
    }

    @Test func jpegRoundTripWithinTolerance() throws {
        let directory = try Fixtures.directory()
        let url = directory.appendingPathComponent("x.jpg")
        try ImageCodec.write(Fixtures.markedImage(), to: url, quality: 95)
        let back = try ImageCodec.read(url)
        let meanError =
            zip(back.pixels, Fixtures.markedImage().pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
            / Double(back.pixels.count)
        #expect(meanError < 4)
    }

    @Test func exifOrientationIsApplied() throws {
        try #require(Fixtures.hasExiftool, "exiftool is installed by make setup")
        let directory = try Fixtures.directory()
        let url = directory.appendingPathComponent("rotated.jpg")
        try ImageCodec.write(Fixtures.markedImage(width: 64, height: 32), to: url, quality: 95)
        // Orientation 6: the stored pixels must be rotated 90° clockwise for display.
        Fixtures.run("exiftool", ["-q", "-overwrite_original", "-n", "-Orientation=6", url.path])
        let upright = try ImageCodec.read(url)
        #expect(upright.size == PixelSize(width: 32, height: 64))
        // The bright top-left mark moves to the top-right after a clockwise rotation.
        #expect(upright[28, 3].red > 200 && upright[3, 3].red < 200)
    }

    @Test func badInputsGiveClearErrors() throws {
        let directory = try Fixtures.directory()
        let empty = directory.appendingPathComponent("empty.jpg")
        try Data().write(to: empty)
        #expect(throws: MediaError.emptyFile(path: empty.path)) { try ImageCodec.read(empty) }

        let text = directory.appendingPathComponent("notes.jpg")
        try Data("not an image".utf8).write(to: text)
        #expect {
            try ImageCodec.read(text)
        } throws: { error in
            guard case .undecodable(let path, _) = error as? MediaError else { return false }
            return path == text.path
        }

        let good = directory.appendingPathComponent("good.jpg")
        try ImageCodec.write(Fixtures.markedImage(width: 256, height: 256), to: good, quality: 90)
        let truncated = directory.appendingPathComponent("truncated.jpg")
        try Data(contentsOf: good).prefix(200).write(to: truncated)
        #expect(throws: MediaError.self) { try ImageCodec.read(truncated) }

        let missing = directory.appendingPathComponent("missing.jpg")
        #expect(throws: MediaError.self) { try ImageCodec.read(missing) }
    }

    @Test func unsupportedOutputFormatWritesNothing() throws {
        let directory = try Fixtures.directory()
        let url = directory.appendingPathComponent("out.gif")
        #expect(throws: MediaError.unsupportedOutputFormat(extension: "gif")) {
            try ImageCodec.write(Fixtures.markedImage(), to: url, quality: 90)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func failedWriteLeavesNoTemporaryFile() throws {
        let directory = try Fixtures.directory()
        // The destination is an existing directory: rename fails, nothing is left behind.
        let blocked = directory.appendingPathComponent("blocked.png")
        try FileManager.default.createDirectory(
            at: blocked.appendingPathComponent("child"), withIntermediateDirectories: true)
        #expect(throws: MediaError.self) { try ImageCodec.write(Fixtures.markedImage(), to: blocked, quality: 90) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == ["blocked.png"])
    }

    @Test func resizeAndCrop() throws {
        let image = Fixtures.markedImage(width: 64, height: 32)
        let half = try image.resized(to: PixelSize(width: 32, height: 16), interpolation: .area)
        #expect(half.size == PixelSize(width: 32, height: 16))
        #expect(half[1, 1].red == 255)
        let crop = image.cropped(to: Box(x: 4, y: 4, width: 10, height: 6))
        #expect(crop.size == PixelSize(width: 10, height: 6))
        #expect(crop[0, 0] == image[4, 4])
        #expect(image.cropped(to: Box(x: 60, y: 30, width: 10, height: 10)).size == PixelSize(width: 4, height: 2))
    }
}

/// iPhone photos: HEIC decodes through libheif (setup installs it and `heif-enc`).
@Suite struct HEIFTests {

    /// Found by `veil-fuzz image`: a 641-byte HEIC whose grid item lists itself as its own tile
    /// (`iref`/`dimg` from item 2 to item 2). libheif 1.15.1 (Debian 12) recursed without end,
    /// starting a decoding thread per level, until thread creation failed and its exception
    /// aborted the process (Debian's `heif-info` still does; fixed upstream after 1.15,
    /// strukturag/libheif#590). The shim now refuses reference cycles before libheif reads them.
    @Test func heicGridThatContainsItselfIsAClearError() throws {
        let encoded =
            "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAA"
            + "AAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAABAAEAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAAsAACAAEA"
            + "AAAAAAAAAQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAA"
            + "AADYaXBycAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAe"
            + "ugJAIQABACpCAQEDcAAAAwCQAAADAAADAB6gIIEFluqumubgQEDAgAAAAwCAAAADAIQiAAEABkQBwXPBiQAAABRpc3BlAAAA"
            + "AAAAAEAAAABAAAAAFGlzcGUAAAAAAAAAEAAAABAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QA"
            + "AAAaaXJlZgAAAAAAAAAOZGltZwACAAEAAgACAgOEAAAAGmlyZWYAAAAAAAAADmRpbWcAAgABAAEAAAC4bWRhdAAAAKwoAa/q"
            + "o5KtyF81YOUIAOhw5hmuWz0AEN3prNymh4gq8l+hDu3gcImzRBIfapAscn1m66z4ZZpw3S9AR+vNoi9N4CO03SYn+si1hPJr"
            + "Ftv+4HB5+oWWxsJEaE3FwdbdplxtoPRK6zIx5wH5n7Ewsb86XGRZWITZvE5vY3+MJCx0v/iRAaRABjQQ4LFayYA="
        let data = try #require(Data(base64Encoded: encoded))
        #expect {
            try ImageCodec.decode(data)
        } throws: { error in
            "\(error)".contains("refer to themselves")
        }
    }
    static var hasEncoder: Bool {
        Fixtures.run("heif-enc", ["--version"]) != nil || Fixtures.run("which", ["heif-enc"]) != nil
    }

    @Test(.enabled(if: HEIFTests.hasEncoder, "needs heif-enc (Debian libheif-examples, installed by make setup)"))
    func heicDecodesLikeItsSource() throws {
        let directory = try Fixtures.directory()
        let png = directory.appendingPathComponent("source.png")
        let heic = directory.appendingPathComponent("photo.heic")
        try ImageCodec.write(Fixtures.markedImage(width: 128, height: 96), to: png, quality: 100)
        try #require(Fixtures.run("heif-enc", ["-q", "95", png.path, "-o", heic.path]) != nil)
        let decoded = try ImageCodec.read(heic)
        #expect(decoded.size == PixelSize(width: 128, height: 96))
        #expect(decoded[2, 2].red > 200)  // the bright mark stays top-left
        let source = try ImageCodec.read(png)
        let meanError =
            zip(decoded.pixels, source.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
            / Double(source.pixels.count)
        #expect(meanError < 8)
    }

    @Test func truncatedHEICIsAClearError() throws {
        let directory = try Fixtures.directory()
        let url = directory.appendingPathComponent("broken.heic")
        // A valid HEIF file-type box and nothing else.
        let header: [UInt8] = [0, 0, 0, 0x1C] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heicmiaf".utf8)
        try Data(header).write(to: url)
        #expect {
            try ImageCodec.read(url)
        } throws: { error in
            "\(error)".contains("broken.heic")
        }
    }
}
