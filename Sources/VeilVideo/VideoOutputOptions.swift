/// How a ``VideoTranscoder`` encodes its output.
public struct VideoOutputOptions: Sendable, Hashable {
    /// The video codec of the output.
    public enum Codec: String, Sendable, CaseIterable {
        /// H.264 through libx264: plays everywhere.
        case h264
        /// H.265 through libx265 (when this FFmpeg has it): about half the size at equal
        /// quality, several times slower to encode; tagged `hvc1` in MP4/MOV for Apple players.
        case h265

        /// The FFmpeg encoder behind the codec.
        public var encoderName: String {
            switch self {
            case .h264: "libx264"
            case .h265: "libx265"
            }
        }

        /// The encoder's own default quality: x264 and x265 scale CRF differently.
        public var defaultCRF: Int {
            switch self {
            case .h264: 23
            case .h265: 28
            }
        }
    }

    /// x264/x265 speed presets: each step slower gives a smaller file at the same quality.
    public enum Preset: String, Sendable, CaseIterable {
        case ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow
    }

    /// The output codec.
    public var codec: Codec
    /// Constant rate factor: lower means better quality and bigger files (x264 18 ≈ visually
    /// lossless). Nil uses the codec's default (``Codec/defaultCRF``).
    public var crf: Int?
    /// `veryfast` by default: masking adds work per frame and Veil aims to stay within 1.3× of
    /// a plain transcode; slower presets shrink files but can triple the encode time.
    public var preset: Preset
    /// Copy the few metadata keys that say nothing about where, when or with what the video was
    /// recorded: the title, and each stream's language, handler name and title. Location, creation
    /// time, device make/model and every other key are never copied. Off by default.
    public var keepsHarmlessMetadata: Bool
    /// Copy every audio stream packet for packet (on by default). Voices are personal data too:
    /// turn it off to publish the pictures without what was said.
    public var keepsAudio: Bool
    /// Copy the subtitle streams the container can hold. Off by default: drones and dashcams
    /// write GPS positions, and people write names, into subtitle tracks that no mask touches.
    public var keepsSubtitles: Bool
    /// Encode at most this many rows, scaling each frame down (aspect kept, sizes even) when the
    /// input is taller; nil (the default) keeps the input's size. For previews such as the
    /// review editor's browser proxy, never for an anonymized output.
    public var maximumHeight: Int? = nil

    /// Options; the defaults are `veil anonymize`'s.
    public init(
        codec: Codec = .h264, crf: Int? = nil, preset: Preset = .veryfast, keepsHarmlessMetadata: Bool = false,
        keepsAudio: Bool = true, keepsSubtitles: Bool = false
    ) {
        self.codec = codec
        self.crf = crf
        self.preset = preset
        self.keepsHarmlessMetadata = keepsHarmlessMetadata
        self.keepsAudio = keepsAudio
        self.keepsSubtitles = keepsSubtitles
    }

    /// The CRF the encoder will use.
    public var effectiveCRF: Int { crf ?? codec.defaultCRF }
}
