import Foundation
import Testing
import VeilTestSupport
import VeilVideo

/// Truncated and corrupt inputs stop the transcode with a message, and leave no output behind.
@Suite struct DamagedInputTests {
    /// A 2 s clip saved as `name` in `scratch` with `length` bytes of seeded noise written over
    /// it from `fraction` of its size on (the same bytes on every run); the intact clip it was
    /// made from is removed.
    static func damagedClip(
        in scratch: Scratch, named name: String, seed: UInt64, from fraction: Double, length: Int
    ) throws -> URL {
        let whole = scratch.url("whole.mp4")
        try Clip.make(whole, seconds: 2, extra: ["-movflags", "+faststart"])
        var data = try Data(contentsOf: whole)
        var generator = SplitMix64(seed: seed)
        let start = Int(Double(data.count) * fraction)
        for offset in start..<(start + length) { data[offset] = UInt8.random(in: 0...255, using: &generator) }
        let damaged = scratch.url(name)
        try data.write(to: damaged)
        try FileManager.default.removeItem(at: whole)
        return damaged
    }

    /// Transcodes `input`, expecting a failure; returns its message.
    static func failure(transcoding input: URL, to output: URL) -> VideoError? {
        do {
            try VideoTranscoderTests.roundTrip(input, output)
            return nil
        } catch let error as VideoError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// A clip cut to 60 % of its bytes. With the index (moov) at the end the file cannot even be
    /// opened; with it at the front (`faststart`) decoding stops where the data ends.
    @Test(arguments: [false, true])
    func truncatedInputFailsAndLeavesNoOutput(indexAtFront: Bool) throws {
        let scratch = try Scratch()
        let whole = scratch.url("whole.mp4")
        try Clip.make(whole, seconds: 2, extra: indexAtFront ? ["-movflags", "+faststart"] : [])
        let data = try Data(contentsOf: whole)
        let input = scratch.url("cut.mp4")
        try data.prefix(data.count * 6 / 10).write(to: input)
        try FileManager.default.removeItem(at: whole)

        let error = try #require(Self.failure(transcoding: input, to: scratch.url("out.mp4")))
        if indexAtFront {
            guard case .decodingFailed(let path, let reason) = error else {
                Issue.record("expected decodingFailed, got \(error)")
                return
            }
            #expect(path == input.path)
            #expect(reason.contains("frame"), "\(reason)")
        } else {
            guard case .unreadableInput(_, let reason) = error else {
                Issue.record("expected unreadableInput, got \(error)")
                return
            }
            #expect(reason.contains("moov atom not found"), "\(reason)")
        }
        #expect(scratch.fileNames == ["cut.mp4"])
    }

    @Test func corruptInputFailsAndLeavesNoOutput() throws {
        let scratch = try Scratch()
        // Overwrite a stretch in the middle of the media data with noise.
        let input = try Self.damagedClip(in: scratch, named: "corrupt.mp4", seed: 42, from: 0.5, length: 4096)

        let error = try #require(Self.failure(transcoding: input, to: scratch.url("out.mp4")))
        #expect(error.description.contains("frame"), "\(error)")
        #expect(scratch.fileNames == ["corrupt.mp4"])
    }

    /// Found by `veil-fuzz video`: a transport stream cut after its tables (SDT, PAT, PMT) has a
    /// video stream with no frame size. Opening it must say so; under AddressSanitizer this
    /// reported a heap use-after-free (the message was built from the closed session).
    @Test func streamWithoutAFrameSizeIsUnreadable() throws {
        let scratch = try Scratch()
        let whole = scratch.url("whole.ts")
        try runTool(
            "ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=32x32:rate=10", "-frames:v", "3", "-c:v",
                "mpeg2video", whole.path,
            ])
        let input = scratch.url("tables-only.ts")
        try Data(contentsOf: whole).prefix(3 * 188).write(to: input)
        try FileManager.default.removeItem(at: whole)
        let error = try #require(Self.failure(transcoding: input, to: scratch.url("out.mp4")))
        guard case .unreadableInput(_, let reason) = error else {
            Issue.record("expected unreadableInput, got \(error)")
            return
        }
        #expect(reason.contains("no frame size"), "\(reason)")
        #expect(scratch.fileNames == ["tables-only.ts"])
    }

    /// Found by `veil-fuzz video`: an MP4 whose video sample entry names a codec FFmpeg has no
    /// decoder for. Opening it must name the problem; AddressSanitizer reported a heap
    /// use-after-free (the codec's name was read from the closed input), and the ordinary
    /// build's `veil anonymize` crashed on it.
    @Test func videoCodecWithoutADecoderIsNamed() throws {
        let scratch = try Scratch()
        let whole = scratch.url("whole.mp4")
        try runTool(
            "ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=32x32:rate=10", "-frames:v", "3", "-c:v",
                "libx264", "-preset", "ultrafast", whole.path,
            ])
        var data = try Data(contentsOf: whole)
        try FileManager.default.removeItem(at: whole)
        // Rename the `avc1` sample entry (after `stsd`; the brand list also says avc1) to `xxxx`.
        let stsd = try #require(data.firstRange(of: Data("stsd".utf8)))
        let entry = try #require(data[stsd.upperBound...].firstRange(of: Data("avc1".utf8)))
        data.replaceSubrange(entry, with: Data("xxxx".utf8))
        let input = scratch.url("unknown-codec.mp4")
        try data.write(to: input)
        let error = try #require(Self.failure(transcoding: input, to: scratch.url("out.mp4")))
        guard case .unreadableInput(_, let reason) = error else {
            Issue.record("expected unreadableInput, got \(error)")
            return
        }
        #expect(reason.contains("no decoder"), "\(reason)")
        #expect(scratch.fileNames == ["unknown-codec.mp4"])
    }

    @Test func notAVideoIsUnreadable() throws {
        let scratch = try Scratch()
        let input = scratch.url("notes.mp4")
        try Data("not a video".utf8).write(to: input)
        let error = try #require(Self.failure(transcoding: input, to: scratch.url("out.mp4")))
        guard case .unreadableInput = error else {
            Issue.record("expected unreadableInput, got \(error)")
            return
        }
        #expect(scratch.fileNames == ["notes.mp4"])
    }

    @Test func missingInputIsNamed() throws {
        let scratch = try Scratch()
        let input = scratch.url("missing.mp4")
        #expect(throws: VideoError.inputNotFound(path: input.path)) {
            try VideoTranscoder(input: input, output: scratch.url("out.mp4"))
        }
    }
}
