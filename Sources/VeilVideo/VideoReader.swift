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

    /// Leaves out frames nobody looks at: from here on, each frame `isNeeded` rejects (by index,
    /// 0 first) and that no other frame refers to (a non-reference frame: most B-frames) is not
    /// decoded, and ``nextDecodedFrame()`` reports it as ``DecodedFrame/skipped(index:pts:duration:)``
    /// in its place. A reference frame is always decoded, so the pictures of the other frames
    /// are exactly those decoded without skipping.
    ///
    /// Frames are then numbered by their timestamps rather than counted, which needs a regular
    /// stream: only progressive H.264 and HEVC qualify, and each packet and frame is checked as
    /// it is read. An irregularity before anything was skipped turns skipping off; after, the
    /// read fails naming the frame, so that no frame is ever misnumbered. Call before the first
    /// frame is read.
    ///
    /// - Parameter isNeeded: whether the frame with this index must be decoded; called on the
    ///   reading thread during reads, possibly for a provisional index (the final index of each
    ///   skipped frame is the one reported).
    /// - Returns: whether skipping is on; false when the stream does not qualify.
    public func skipFrames(unless isNeeded: @escaping (Int) -> Bool) -> Bool {
        session.skipFrames(unless: isNeeded)
    }

    /// The next frame in presentation order, decoded or (with ``skipFrames(unless:)``) skipped,
    /// or nil after the last one.
    ///
    /// - Throws: ``VideoError/decodingFailed(path:reason:)`` naming the frame.
    public func nextDecodedFrame() throws(VideoError) -> DecodedFrame? { try session.readDecodedFrame() }
}
