public import Foundation

/// Decodes a video's main video stream frame by frame, as BGR images.
///
/// Streaming: one frame is in memory at a time, however long the video.
///
/// ```swift
/// let reader = try VideoReader(url: clip)
/// while let frame = try reader.nextFrame() {
///     print(frame.index, frame.timestamp, frame.image.size)
/// }
/// ```
///
/// Use it from one task at a time (it is not `Sendable`). To write a processed copy, use
/// ``VideoTranscoder``, which also carries the audio across.
public final class VideoReader {
    /// The file read.
    public let url: URL
    private let session: AVSession

    /// How exactly the pictures are decoded.
    public let fidelity: DecodingFidelity

    /// Opens `url` and its decoder.
    ///
    /// - Parameters:
    ///   - url: the video.
    ///   - fidelity: ``DecodingFidelity/exact`` (the default) for pictures that are shown, masked
    ///     or encoded; ``DecodingFidelity/forDetection`` for pictures only detectors look at.
    /// - Throws: ``VideoError/inputNotFound(path:)`` or ``VideoError/unreadableInput(path:reason:)``
    ///   (truncated, corrupt, or no video stream).
    public init(url: URL, fidelity: DecodingFidelity = .exact) throws(VideoError) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .inputNotFound(path: url.path) }
        self.url = url
        self.fidelity = fidelity
        self.session = try AVSession(input: url)
        if fidelity == .forDetection { session.decodeForDetection() }
    }

    /// The video stream's size, timing, rotation and stream counts.
    public var info: VideoInfo { session.info }

    /// The next frame in presentation order, or nil after the last one.
    ///
    /// - Throws: ``VideoError/decodingFailed(path:reason:)`` naming the frame, when the file is
    ///   truncated or damaged.
    public func nextFrame() throws(VideoError) -> VideoFrame? { try session.readFrame() }
}
