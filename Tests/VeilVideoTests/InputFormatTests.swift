import Foundation
import Testing
import VeilVideo

/// The codecs and containers users bring (phones: HEVC in MOV; web: VP9 in WebM; old cameras:
/// MPEG-4 Part 2 in AVI) decode, and every frame comes out as H.264 in MP4 with its audio.
@Suite struct InputFormatTests {
    @Test(arguments: [
        (
            "hevc.mov",
            ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=none", "-tag:v", "hvc1"], "aac"
        ),
        ("hevc.mkv", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=none"], "aac"),
        ("vp9.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"], "libopus"),
        ("mpeg4.avi", ["-c:v", "mpeg4", "-q:v", "5"], "libmp3lame"),
        ("h264.mkv", ["-c:v", "libx264", "-preset", "ultrafast"], "aac"),
    ])
    func decodesAndKeepsEveryFrame(name: String, videoCodec: [String], audioCodec: String) throws {
        let scratch = try Scratch()
        let input = scratch.url(name)
        do {
            try runTool(
                "ffmpeg",
                [
                    "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1", "-f", "lavfi",
                    "-i", "sine=frequency=440:duration=1", "-pix_fmt", "yuv420p",
                ] + videoCodec + ["-c:a", audioCodec, input.path]
            )
        } catch {
            // An encoder this FFmpeg lacks is not Veil's failure; say so instead of passing silently.
            withKnownIssue("this FFmpeg cannot encode \(name) for the test: \(error)") { throw error }
            return
        }
        let output = scratch.url("out.mp4")
        let transcoder = try VideoTranscoder(input: input, output: output)
        var frames = 0
        while let frame = try transcoder.nextFrame() {
            try transcoder.write(frame)
            frames += 1
        }
        try transcoder.finish()
        #expect(frames == 25)
        #expect(try Probe.framePTS(output).count == 25)
        #expect(try Probe.codec(output, stream: "v:0").name == "h264")
        #expect(try Probe.streamTypes(output).contains("audio"))
    }
}
