public import VeilMedia

/// One decoded video frame and when it is shown.
///
/// Timestamps stay in the stream's time base so they can be written back exactly: a
/// ``VideoTranscoder`` writes a frame with the `pts` and `duration` it was read with, which keeps
/// variable frame rates and the total duration intact.
public struct VideoFrame: Sendable, Equatable {
    /// Position in decoding output order, from 0.
    public let index: Int
    /// Presentation timestamp in `timeBase` units.
    public let pts: Int64
    /// How long the frame is shown, in `timeBase` units.
    public let duration: Int64
    /// Seconds per `pts` unit.
    public let timeBase: Rational
    /// The picture, upright as stored (display rotation is metadata; see ``VideoInfo/rotationDegrees``).
    public var image: Image

    public init(index: Int, pts: Int64, duration: Int64, timeBase: Rational, image: Image) {
        self.index = index
        self.pts = pts
        self.duration = duration
        self.timeBase = timeBase
        self.image = image
    }

    /// The presentation time in seconds.
    public var timestamp: Double { Double(pts) * timeBase.doubleValue }
}
