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

    /// The size a player shows: width and height swapped for 90° and 270° rotations.
    public var displaySize: PixelSize {
        let quarterTurns = Int((rotationDegrees / 90).rounded())
        return quarterTurns % 2 == 0 ? size : PixelSize(width: size.height, height: size.width)
    }
}
