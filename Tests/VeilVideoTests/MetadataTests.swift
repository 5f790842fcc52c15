import Foundation
import Testing
import VeilVideo

/// Metadata that identifies where, when or with what a video was recorded never reaches the
/// output; checked with ffprobe and in the output's raw bytes.
@Suite struct MetadataTests {
    /// Values planted in the fixture; none may appear anywhere in an output.
    static let location = "+48.8577+002.2950/"
    static let secrets = ["48.8577", "002.2950", "2024-05-01", "AcmePhone", "SerialX123", "Acme Corp"]

    /// A MOV like a phone's: QuickTime metadata keys for location, make, model, software and
    /// creation time, plus a title and stream languages.
    static func phoneClip(_ url: URL, scratch: Scratch) throws {
        let plain = scratch.url("plain.mp4")
        try Clip.make(plain)
        try runTool(
            "ffmpeg",
            [
                "-v", "error", "-i", plain.path, "-c", "copy", "-movflags", "use_metadata_tags",
                "-metadata", "location=\(location)",
                "-metadata", "com.apple.quicktime.location.ISO6709=\(location)",
                "-metadata", "com.apple.quicktime.make=Acme Corp",
                "-metadata", "com.apple.quicktime.model=AcmePhone",
                "-metadata", "com.apple.quicktime.software=SerialX123",
                "-metadata", "creation_time=2024-05-01T10:00:00Z",
                "-metadata", "title=Holiday",
                "-metadata:s:a:0", "language=fra",
                "-metadata:s:v:0", "creation_time=2024-05-01T10:00:00Z",
                url.path,
            ])
        try FileManager.default.removeItem(at: plain)
    }

    @Test func metadataIsStrippedByDefault() throws {
        let scratch = try Scratch()
        let input = scratch.url("phone.mov")
        try Self.phoneClip(input, scratch: scratch)
        let inputTags = try Probe.tags(input).values.joined(separator: " ")
        for secret in Self.secrets { #expect(inputTags.contains(secret), "fixture lacks \(secret)") }

        for name in ["out.mp4", "out.mov", "out.mkv"] {
            let output = scratch.url(name)
            try VideoTranscoderTests.roundTrip(input, output)
            let tags = try Probe.tags(output)
            let forbiddenKeys = tags.keys.filter { key in
                ["location", "creation_time", "make", "model", "com.apple", "title", "software"].contains {
                    key.contains($0)
                }
            }
            #expect(forbiddenKeys.isEmpty, "\(name): \(forbiddenKeys)")
            #expect(tags["stream1:language"] != "fra", "\(name): language copied without keepsHarmlessMetadata")
            let bytes = try Data(contentsOf: output)
            for secret in Self.secrets + ["Holiday"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(name) contains \(secret)")
            }
        }
    }

    @Test func keepingHarmlessMetadataStillDropsLocationAndDevice() throws {
        let scratch = try Scratch()
        let input = scratch.url("phone.mov")
        try Self.phoneClip(input, scratch: scratch)
        let output = scratch.url("out.mov")
        try VideoTranscoderTests.roundTrip(input, output, options: VideoOutputOptions(keepsHarmlessMetadata: true))
        let tags = try Probe.tags(output)
        #expect(tags["format:title"] == "Holiday")
        #expect(tags["stream1:language"] == "fra")
        let bytes = try Data(contentsOf: output)
        for secret in Self.secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "output contains \(secret)")
        }
    }

    @Test func subtitlesAreDroppedByDefaultAndCopiedOnRequestWhereTheContainerHoldsThem() throws {
        let scratch = try Scratch()
        let subtitles = scratch.url("subs.srt")
        try "1\n00:00:00,000 --> 00:00:00,800\nHello\n\n".write(to: subtitles, atomically: true, encoding: .utf8)
        let plain = scratch.url("plain.mp4")
        try Clip.make(plain)
        let withMovText = scratch.url("movtext.mp4")
        let withSubRip = scratch.url("subrip.mkv")
        for (url, codec) in [(withMovText, "mov_text"), (withSubRip, "srt")] {
            try runTool(
                "ffmpeg",
                [
                    "-v", "error", "-i", plain.path, "-i", subtitles.path, "-map", "0", "-map", "1", "-c", "copy",
                    "-c:s", codec, url.path,
                ])
        }
        let keep = VideoOutputOptions(keepsSubtitles: true)

        let defaultOutput = scratch.url("default.mp4")
        let byDefault = try VideoTranscoderTests.roundTrip(withMovText, defaultOutput)
        #expect(
            byDefault.droppedStreams == [DroppedStream(index: 2, type: "subtitle", codec: "mov_text", reason: .options)]
        )
        #expect(try Probe.streamTypes(defaultOutput) == ["video", "audio"])

        let keptOutput = scratch.url("kept.mp4")
        let kept = try VideoTranscoderTests.roundTrip(withMovText, keptOutput, options: keep)
        #expect(kept.droppedStreams.isEmpty)
        #expect(try Probe.streamTypes(keptOutput) == ["video", "audio", "subtitle"])
        #expect(try Probe.payloadMD5(keptOutput, stream: "s:0") == Probe.payloadMD5(withMovText, stream: "s:0"))

        let droppedOutput = scratch.url("dropped.mp4")
        let dropped = try VideoTranscoderTests.roundTrip(withSubRip, droppedOutput, options: keep)
        #expect(
            dropped.droppedStreams == [DroppedStream(index: 2, type: "subtitle", codec: "subrip", reason: .container)])
        #expect(try Probe.streamTypes(droppedOutput) == ["video", "audio"])

        let mkvOutput = scratch.url("kept.mkv")
        try VideoTranscoderTests.roundTrip(withSubRip, mkvOutput, options: keep)
        #expect(try Probe.streamTypes(mkvOutput) == ["video", "audio", "subtitle"])
    }

    @Test func audioIsDroppedOnRequestAndSaidSo() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        let output = scratch.url("silent.mp4")
        let transcoder = try VideoTranscoderTests.roundTrip(
            input, output, options: VideoOutputOptions(keepsAudio: false))
        #expect(try Probe.streamTypes(output) == ["video"])
        #expect(transcoder.droppedStreams.map(\.type) == ["audio"])
        #expect(transcoder.droppedStreams.allSatisfy { $0.reason == .options })
    }

    @Test func timecodeTracksAndAttachmentsAreNeverCopiedAndListed() throws {
        let scratch = try Scratch()
        let plain = scratch.url("plain.mp4")
        try Clip.make(plain)
        let timecoded = scratch.url("timecode.mov")
        try runTool(
            "ffmpeg", ["-v", "error", "-i", plain.path, "-c", "copy", "-timecode", "01:02:03:04", timecoded.path])
        let font = scratch.url("font.ttf")
        try Data("not really a font: Jane Marlowe".utf8).write(to: font)
        let attached = scratch.url("attached.mkv")
        try runTool(
            "ffmpeg",
            [
                "-v", "error", "-i", plain.path, "-c", "copy", "-attach", font.path, "-metadata:s:t",
                "mimetype=application/x-truetype-font", attached.path,
            ])
        let timecodeOutput = scratch.url("timecode.out.mov")
        let timecode = try VideoTranscoderTests.roundTrip(timecoded, timecodeOutput)
        #expect(timecode.droppedStreams == [DroppedStream(index: 2, type: "data", codec: "tmcd", reason: .neverCopied)])
        #expect(try Probe.streamTypes(timecodeOutput) == ["video", "audio"])
        let attachmentOutput = scratch.url("attached.out.mkv")
        let attachment = try VideoTranscoderTests.roundTrip(attached, attachmentOutput)
        #expect(attachment.droppedStreams.map(\.type) == ["attachment"])
        #expect(try Probe.streamTypes(attachmentOutput) == ["video", "audio"])
        #expect(try Data(contentsOf: attachmentOutput).range(of: Data("Jane Marlowe".utf8)) == nil)
    }
}
