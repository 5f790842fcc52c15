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
    /// The picture as the codec stores it (Y′CbCr 4:2:0), upright as stored (display rotation is
    /// metadata; see ``VideoInfo/rotationDegrees``).
    public var picture: PlanarImage

    /// A frame.
    public init(index: Int, pts: Int64, duration: Int64, timeBase: Rational, picture: PlanarImage) {
        self.index = index
        self.pts = pts
        self.duration = duration
        self.timeBase = timeBase
        self.picture = picture
    }

    /// A frame from a BGR image, converted with `matrix`.
    public init(index: Int, pts: Int64, duration: Int64, timeBase: Rational, image: Image, matrix: ColorMatrix = .bt601)
    {
        self.init(
            index: index, pts: pts, duration: duration, timeBase: timeBase, picture: PlanarImage(image, matrix: matrix))
    }

    /// The picture as BGR. Converts the whole frame on each access (and each assignment), so hot
    /// paths work on ``picture`` instead.
    public var image: Image {
        get { picture.bgrImage() }
        set { picture = PlanarImage(newValue, matrix: picture.matrix) }
    }

    /// The presentation time in seconds.
    public var timestamp: Double { Double(pts) * timeBase.doubleValue }
}
