import Foundation
import Testing
import VeilVideo

@testable import VeilReviewServer

/// What `/media/video` serves: the original when a browser plays it frame-exactly, else a
/// ≤ 720p constant-frame-rate H.264 copy.
@Suite struct VideoProxyTests {
    static func folder(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "veil-proxy-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func timestamps(of url: URL) throws -> (info: VideoInfo, seconds: [Double]) {
        let reader = try VideoReader(url: url)
        var seconds: [Double] = []
        while let frame = try reader.nextFrame() { seconds.append(frame.timestamp) }
        return (reader.info, seconds)
    }

    @Test func aPlayableConstantRateOriginalIsServedAsItIs() throws {
        let root = try Self.folder()
        let clip = root.appendingPathComponent("clip.mp4")
        try ReviewServerTests.Fixture.ffmpeg([
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=0.4", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", clip.path,
        ])
        let playable = try VideoProxy.playableFile(for: clip, in: root, frames: 10, durationSeconds: 0.4)
        #expect(playable.url == clip)
        #expect(!playable.isProxy)
        #expect(playable.fps == 25)
    }

    @Test func aTallOtherCodecVideoGetsA720pH264Copy() throws {
        let root = try Self.folder()
        let clip = root.appendingPathComponent("tall.mkv")
        try ReviewServerTests.Fixture.ffmpeg([
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=400x1000:rate=10:duration=1.2", "-c:v", "mpeg4",
            clip.path,
        ])
        let playable = try VideoProxy.playableFile(for: clip, in: root, frames: 12, durationSeconds: 1.2)
        #expect(playable.isProxy)
        #expect(playable.url.deletingLastPathComponent().path == root.path)
        #expect(playable.height == 720)
        #expect(playable.width == 288)
        let (info, seconds) = try Self.timestamps(of: playable.url)
        #expect(info.codecName == "h264")
        #expect(info.pixelFormatName == "yuv420p")
        #expect(info.audioStreamCount == 0)
        #expect(seconds.count == 12)
    }

    @Test func aVariableRateVideoGetsOneFramePerFrameAtAConstantRate() throws {
        let root = try Self.folder()
        let clip = root.appendingPathComponent("vfr.mp4")
        // 12 frames: six 100 ms apart, then six 50 ms apart (H.264 4:2:0 in MP4, but not CFR).
        try ReviewServerTests.Fixture.ffmpeg([
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=20:duration=0.6", "-vf",
            "settb=1/1000,setpts='if(lt(N,6),N*100,600+(N-6)*50)'", "-fps_mode", "passthrough", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", clip.path,
        ])
        let original = try Self.timestamps(of: clip)
        try #require(original.seconds.count == 12)
        #expect(!original.info.isLikelyConstantFrameRate)
        let playable = try VideoProxy.playableFile(for: clip, in: root, frames: 12, durationSeconds: 0.9)
        #expect(playable.isProxy)
        let (_, seconds) = try Self.timestamps(of: playable.url)
        #expect(seconds.count == 12)
        // Frame n is shown from n / fps: evenly spaced.
        for (index, second) in seconds.enumerated() {
            #expect(abs(second - seconds[0] - Double(index) / playable.fps) < 0.002, "frame \(index) at \(second)")
        }
    }
}
