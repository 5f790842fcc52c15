/// What a ``VideoReader`` that skips frames (``VideoReader/skipFrames(unless:)``) hands out for
/// each frame of the video, in presentation order: its picture, or only where it is.
public enum DecodedFrame: Sendable, Equatable {
    /// A decoded frame.
    case picture(VideoFrame)
    /// A frame that was not decoded, because nothing needed it and no other frame refers to it;
    /// `index`, `pts` and `duration` are what ``VideoFrame`` would have said.
    case skipped(index: Int, pts: Int64, duration: Int64)

    /// Position in presentation order, from 0.
    public var index: Int {
        switch self {
        case .picture(let frame): frame.index
        case .skipped(let index, _, _): index
        }
    }

    /// Presentation timestamp in the stream's time base.
    public var pts: Int64 {
        switch self {
        case .picture(let frame): frame.pts
        case .skipped(_, let pts, _): pts
        }
    }

    /// The decoded frame; nil when skipped.
    public var frame: VideoFrame? {
        if case .picture(let frame) = self { frame } else { nil }
    }
}
