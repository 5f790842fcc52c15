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

        /// NVENC's nearest preset (p1 fastest … p7 slowest; p4 is NVENC's default, as medium is
        /// x264's).
        public var nvencName: String {
            switch self {
            case .ultrafast, .superfast: "p1"
            case .veryfast: "p2"
            case .faster: "p3"
            case .fast, .medium: "p4"
            case .slow: "p5"
            case .slower: "p6"
            case .veryslow: "p7"
            }
        }
    }

    /// Where video is decoded and encoded.
    public enum HardwareAcceleration: String, Sendable, CaseIterable {
        /// FFmpeg's software decoders and libx264/libx265 (the default).
        case none
        /// NVIDIA's NVDEC (`<codec>_cuvid` decoders) and NVENC (`h264_nvenc`, `hevc_nvenc`);
        /// needs the driver's video libraries (libnvcuvid, libnvidia-encode) at run time.
        case cuda
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
    /// Decode with NVDEC and encode with NVENC (``HardwareAcceleration/cuda``), or in software
    /// (the default). Fails when opening, naming what is missing, rather than falling back.
    public var hardwareAcceleration: HardwareAcceleration = .none

    /// The FFmpeg encoder: the codec's software encoder, or its NVENC one under CUDA.
    public var encoderName: String {
        switch (hardwareAcceleration, codec) {
        case (.none, _): codec.encoderName
        case (.cuda, .h264): "h264_nvenc"
        case (.cuda, .h265): "hevc_nvenc"
        }
    }

    /// The preset name the encoder understands.
    public var encoderPreset: String { hardwareAcceleration == .cuda ? preset.nvencName : preset.rawValue }

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
