public import VeilGeometry
public import VeilMedia

/// What an input video's main video stream looks like.
public struct VideoInfo: Sendable, Hashable {
    /// Stored frame size (before display rotation).
    public var size: PixelSize
    /// Seconds per timestamp unit of the video stream.
    public var timeBase: Rational
    /// Average frame rate, or nil when the container does not say.
    public var averageFrameRate: Rational?
    /// Container duration in seconds, or nil when unknown.
    public var durationSeconds: Double?
    /// Frame count stored in the container, or estimated from duration × rate; nil if neither is known.
    /// Exact for most MP4/MOV files; a hint for progress bars, not a promise.
    public var frameCountEstimate: Int?
    /// Clockwise degrees a player rotates the stored picture by (0, 90, 180 or 270 for phone
    /// videos). Veil keeps this metadata instead of rotating pixels.
    public var rotationDegrees: Double
    /// Shape of one pixel (width/height); nil when square or unknown.
    public var sampleAspectRatio: Rational?
    /// Audio streams in the input.
    public var audioStreamCount: Int
    /// Subtitle streams in the input.
    public var subtitleStreamCount: Int
    /// FFmpeg's short name of the video codec ("h264", "hevc", ...).
    public var codecName: String
    /// How the stream's Y′CbCr samples map to RGB (matrix and range).
    public var colorMatrix: ColorMatrix = .bt601
    /// FFmpeg's name of the pixel format ("yuv420p", ...); empty when unknown.
    public var pixelFormatName: String = ""
    /// The base frame rate (FFmpeg's `r_frame_rate`), nil when unknown. For constant-frame-rate
    /// video it equals ``averageFrameRate``; when they differ the timestamps are irregular.
    public var baseFrameRate: Rational?

    /// Whether the timestamps look evenly spaced: the base and average rates are known and
    /// equal. A container-level hint (FFmpeg's own), not a check of every timestamp.
    public var isLikelyConstantFrameRate: Bool {
        guard let baseFrameRate, let averageFrameRate else { return false }
        return baseFrameRate.numerator * averageFrameRate.denominator
            == averageFrameRate.numerator * baseFrameRate.denominator
    }

    /// The size a player shows: width and height swapped for 90° and 270° rotations.
    public var displaySize: PixelSize {
        let quarterTurns = Int((rotationDegrees / 90).rounded())
        return quarterTurns % 2 == 0 ? size : PixelSize(width: size.height, height: size.width)
    }
}
