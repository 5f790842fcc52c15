import Foundation
import VeilPipeline
import VeilVideo

/// The file `/media/video` serves: the original when browsers play it as it is (H.264, 4:2:0,
/// in an MP4 or QuickTime container, at a constant frame rate), otherwise an H.264 copy made with Veil's own FFmpeg code
/// (``VideoTranscoder``) in a private temporary folder.
///
/// The copy is at most ``maximumHeight`` rows high (aspect kept), has one frame per decoded
/// frame of the original at a constant rate (frame N at N / fps seconds, fps from the
/// container's average rate, else frames ÷ duration), and no audio: the page steps frames by
/// index, and the masks are drawn from the tracks file, not burnt in.
enum VideoProxy {
    /// Rows of the proxy at most: 720p is sharp enough to judge a mask and decodes smoothly.
    static let maximumHeight = 720

    /// Containers a browser opens when the video stream in them is H.264.
    static let playableContainers: Set<String> = ["mp4", "m4v", "mov"]

    /// Pixel formats of H.264 that browsers decode (High 4:4:4 and 4:2:2 profiles are not).
    static let playablePixelFormats: Set<String> = ["yuv420p", "yuvj420p"]

    /// Whether a video plays in Chromium and Firefox as is, frame-exactly: frame N of the
    /// tracks file is at N / fps seconds only when the frame rate is constant.
    static func isBrowserPlayable(_ info: VideoInfo, fileExtension: String) -> Bool {
        info.codecName == "h264" && playablePixelFormats.contains(info.pixelFormatName)
            && playableContainers.contains(fileExtension.lowercased()) && info.isLikelyConstantFrameRate
    }

    /// What the page plays.
    struct Playable: Sendable {
        /// The original or the copy.
        var url: URL
        /// Its frame size (stored, before rotation).
        var width: Int
        var height: Int
        /// Frame N is shown from N / fps seconds.
        var fps: Double
        /// Whether this is a copy.
        var isProxy: Bool
    }

    /// The original, or a playable copy of it written into `folder`.
    ///
    /// - Throws: ``ReviewServerError/proxyFailed(_:)``.
    static func playableFile(for input: URL, in folder: URL, frames: Int, durationSeconds: Double?) throws -> Playable {
        let info: VideoInfo
        do {
            info = try VideoReader(url: input).info
        } catch {
            throw ReviewServerError.proxyFailed("\(error)")
        }
        let rate = frameRate(info: info, frames: frames, durationSeconds: durationSeconds)
        if isBrowserPlayable(info, fileExtension: input.pathExtension) {
            return Playable(url: input, width: info.size.width, height: info.size.height, fps: rate, isProxy: false)
        }
        let output = folder.appendingPathComponent("proxy.mp4")
        do {
            var options = VideoOutputOptions()
            options.codec = .h264
            options.preset = .veryfast
            options.keepsAudio = false
            options.keepsSubtitles = false
            options.maximumHeight = maximumHeight
            let transcoder = try VideoTranscoder(input: input, output: output, options: options)
            let timeBase = transcoder.info.timeBase
            // pts of frame n: n / rate seconds in the stream's time base, rounded per frame (no drift).
            let ticksPerFrame = Double(timeBase.denominator) / (rate * Double(timeBase.numerator))
            while let frame = try transcoder.nextFrame() {
                let pts = Int64((Double(frame.index) * ticksPerFrame).rounded())
                let next = Int64((Double(frame.index + 1) * ticksPerFrame).rounded())
                try transcoder.write(
                    VideoFrame(
                        index: frame.index, pts: pts, duration: max(1, next - pts), timeBase: frame.timeBase,
                        picture: frame.picture))
            }
            try transcoder.finish()
        } catch {
            throw ReviewServerError.proxyFailed("\(error)")
        }
        let size = (try? VideoReader(url: output).info.size) ?? info.size
        return Playable(url: output, width: size.width, height: size.height, fps: rate, isProxy: true)
    }

    /// Frames per second of the proxy: the container's average rate, else frames ÷ duration,
    /// else 25.
    static func frameRate(info: VideoInfo, frames: Int, durationSeconds: Double?) -> Double {
        if let average = info.averageFrameRate, average.numerator > 0, average.denominator > 0 {
            return Double(average.numerator) / Double(average.denominator)
        }
        if let durationSeconds, durationSeconds > 0, frames > 0 { return Double(frames) / durationSeconds }
        return 25
    }
}
