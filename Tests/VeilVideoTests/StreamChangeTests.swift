import Foundation
import Testing
import VeilGeometry
import VeilVideo

/// Streams that change under the decoder, sizes too small to encode, and verdicts on damaged
/// files that must not depend on thread timing.
@Suite struct StreamChangeTests {
    /// A raw H.264 stream of `first` then `second` pictures (one second each), as streams and
    /// some dashcams record after a resolution change.
    static func resolutionChange(_ scratch: Scratch, first: String, second: String) throws -> URL {
        for (name, size) in [("a.h264", first), ("b.h264", second)] {
            try runTool(
                "ffmpeg",
                [
                    "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25:duration=1", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "h264", scratch.url(name).path,
                ])
        }
        let joined = try Data(contentsOf: scratch.url("a.h264")) + Data(contentsOf: scratch.url("b.h264"))
        let input = scratch.url("change.h264")
        try joined.write(to: input)
        return input
    }

    @Test func aResolutionChangeMidStreamIsScaledToTheOutputSizeAndNoted() throws {
        let scratch = try Scratch()
        let input = try Self.resolutionChange(scratch, first: "320x240", second: "176x144")
        let output = scratch.url("out.mp4")
        let transcoder = try VideoTranscoderTests.roundTrip(input, output)

        #expect(try Probe.framePTS(output).count == 50)
        let size = try runTool(
            "ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", output.path])
        #expect(size.trimmingCharacters(in: .whitespacesAndNewlines) == "320,240")
        let note = try #require(transcoder.notes.first { $0.contains("size changed") })
        #expect(note.contains("25 frame(s) from frame 25") && note.contains("176x144"), "\(note)")
    }

    /// Five frames of `source` (a lavfi video source and its option separator, e.g. "testsrc2=") scaled to `size` ("WxH"), in AVI: mpeg4 in
    /// AVI stores any size, down to a single pixel.
    static func tinyClip(_ scratch: Scratch, size: String, source: String) throws -> URL {
        let input = scratch.url("tiny.avi")
        try runTool(
            "ffmpeg",
            [
                "-v", "error", "-f", "lavfi", "-i", "\(source)size=64x64:rate=25:duration=0.2", "-vf",
                "scale=\(size.replacingOccurrences(of: "x", with: ":"))", "-c:v", "mpeg4", input.path,
            ])
        return input
    }

    @Test(arguments: ["1x1", "1x64", "64x1"])
    func aVideoTooSmallToEncodeSaysSo(size: String) throws {
        let scratch = try Scratch()
        let input = try Self.tinyClip(scratch, size: size, source: "color=c=red:")
        let output = scratch.url("out.mp4")
        #expect {
            _ = try VideoTranscoderTests.roundTrip(input, output)
        } throws: { error in
            "\(error)".contains("too small to encode")
        }
        #expect(scratch.fileNames == ["tiny.avi"])
    }

    /// The smallest sizes 4:2:0 can hold, odd ones included, encode.
    @Test(arguments: ["2x2", "3x3", "2x5", "7x2"])
    func tinyVideosEncode(size: String) throws {
        let scratch = try Scratch()
        let input = try Self.tinyClip(scratch, size: size, source: "testsrc2=")
        let output = scratch.url("out.mp4")
        _ = try VideoTranscoderTests.roundTrip(input, output)
        #expect(try Probe.framePTS(output).count == 5)
    }

    /// The same damaged file is judged the same way every time (frame-threaded decoding used to
    /// report damage on a different frame, or not at all, from run to run).
    @Test func aDamagedFileGetsTheSameVerdictOnEveryRun() throws {
        let scratch = try Scratch()
        let input = try DamagedInputTests.damagedClip(
            in: scratch, named: "damaged.mp4", seed: 7, from: 2.0 / 3, length: 512)

        var verdicts: Set<String> = []
        for run in 0..<6 {
            let output = scratch.url("out\(run).mp4")
            do {
                _ = try VideoTranscoderTests.roundTrip(input, output)
                verdicts.insert("passed with \(try Probe.framePTS(output).count) frames")
            } catch {
                verdicts.insert("\(error)".replacingOccurrences(of: output.path, with: "OUT"))
            }
        }
        #expect(verdicts.count == 1, "\(verdicts)")
    }
}
