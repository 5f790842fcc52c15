/// An input stream that is not in the output, and why: the record a report gives so that a
/// reviewer knows which subtitle, data, timecode, attachment or audio track was left behind.
public struct DroppedStream: Sendable, Codable, Hashable {
    /// Why a stream was left out.
    public enum Reason: String, Sendable, Codable {
        /// Audio with ``VideoOutputOptions/keepsAudio`` off, or a subtitle with
        /// ``VideoOutputOptions/keepsSubtitles`` off (the default: subtitles can hold names and
        /// GPS positions).
        case options
        /// A subtitle asked for that the output container cannot hold (MP4/MOV take mov_text only).
        case container
        /// Data (GPS, telemetry), timecode, attachment, cover art or extra video: never copied.
        case neverCopied = "never-copied"
    }

    /// The stream's index in the input file.
    public var index: Int
    /// FFmpeg's media type: "audio", "subtitle", "data", "attachment", "video" (cover art, extra
    /// angles) or "unknown".
    public var type: String
    /// FFmpeg's codec name, for example "subrip", "mov_text", "bin_data", "aac".
    public var codec: String
    /// Why it was left out.
    public var reason: Reason

    /// A stream left out.
    public init(index: Int, type: String, codec: String, reason: Reason) {
        self.index = index
        self.type = type
        self.codec = codec
        self.reason = reason
    }
}
