/// Everything that can go wrong reading or writing video, with messages a user can act on.
///
/// Whenever a ``VideoTranscoder`` throws, its temporary output has already been removed: the
/// output path never holds a partial file.
public enum VideoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input file does not exist.
    case inputNotFound(path: String)
    /// FFmpeg could not open the input as a video (truncated, corrupt, not a video, no video stream).
    case unreadableInput(path: String, reason: String)
    /// A frame or packet could not be read or decoded; `reason` names the frame.
    case decodingFailed(path: String, reason: String)
    /// The output path is the input path (Veil never overwrites its input).
    case outputIsInput(path: String)
    /// The output's extension names no container Veil writes.
    case unsupportedContainer(extension: String)
    /// The requested encoder is not built into this FFmpeg.
    case encoderUnavailable(name: String)
    /// The output could not be created, encoded, muxed or renamed into place.
    case outputFailed(path: String, reason: String)
    /// A frame handed to the writer does not have the input's size.
    case frameSizeMismatch(index: Int, expected: String, actual: String)
    /// `finish()` was called before every decoded frame was read and written back.
    case unfinishedTranscode(decoded: Int, written: Int, isInputAtEnd: Bool)
    /// The transcoder was already finished, cancelled, or stopped by an earlier error.
    case closed(path: String)
    /// A frame could not be converted for a detector (FFmpeg's scaler refused the sizes).
    case conversionFailed(reason: String)
    /// `--hwaccel cuda` was asked for but NVDEC/NVENC cannot run here; `reason` names what is missing.
    case hardwareAccelerationUnavailable(reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .inputNotFound(let path):
            "\(path) does not exist"
        case .unreadableInput(let path, let reason):
            "cannot read \(path) as a video: \(reason)"
        case .decodingFailed(let path, let reason):
            "\(path): \(reason); the output was not written"
        case .outputIsInput(let path):
            "the output \(path) is the input; choose another output path (Veil never overwrites its input)"
        case .unsupportedContainer(let ext):
            "cannot write '.\(ext)' videos; use one of \(VideoContainer.allCases.map { "." + $0.rawValue }.joined(separator: ", "))"
        case .encoderUnavailable(let name):
            "this FFmpeg has no '\(name)' encoder; choose another codec or install an FFmpeg built with it"
        case .outputFailed(let path, let reason):
            "cannot write \(path): \(reason); the output was not written"
        case .frameSizeMismatch(let index, let expected, let actual):
            "frame \(index) is \(actual) but the video is \(expected); frames must keep the input's size"
        case .unfinishedTranscode(let decoded, let written, let isInputAtEnd):
            isInputAtEnd
                ? "only \(written) of \(decoded) decoded frames were written; write every frame before finishing"
                : "finish() was called before the input was read to its end (\(decoded) frames read, \(written) written)"
        case .closed(let path):
            "the transcode to \(path) is already finished, cancelled or failed"
        case .conversionFailed(let reason):
            "cannot convert a frame for detection: \(reason)"
        case .hardwareAccelerationUnavailable(let reason):
            "hardware video acceleration (--hwaccel cuda) unavailable: \(reason); nothing was written"
        }
    }
}
