import Foundation
import Testing
import VeilVideo

/// Wall time of an identity transcode (decode → BGR → encode, audio copied) of the file named by
/// `VEIL_VIDEO_BENCHMARK_INPUT`; skipped unless that variable is set. Compare with
/// `ffmpeg -i IN -c:v libx264 -preset veryfast -crf 23 -c:a copy OUT` (docs/VIDEO.md).
@Test(.enabled(if: ProcessInfo.processInfo.environment["VEIL_VIDEO_BENCHMARK_INPUT"] != nil))
func identityTranscodeBenchmark() throws {
    let input = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["VEIL_VIDEO_BENCHMARK_INPUT"]))
    let scratch = try Scratch()
    let output = scratch.url("out.mp4")
    let clock = ContinuousClock()
    var frames = 0
    let elapsed = try clock.measure {
        let transcoder = try VideoTranscoder(input: input, output: output)
        try transcoder.run { _ in frames += 1 }
    }
    print("veil-video-benchmark frames=\(frames) seconds=\(elapsed)")
    #expect(frames > 0)
}
