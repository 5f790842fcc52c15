public import VeilDetection
public import VeilMasking
public import VeilMedia
public import VeilVideo

/// Why one file could not be anonymized. The CLI prints `description`; nothing was written
/// under the output name when any of these is thrown.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    case media(MediaError)
    case detection(DetectionError)
    case masking(MaskingError)
    case outputIsInput(path: String)
    case unsupportedInput(path: String)
    case noInputs(path: String)
    case inputMissing(path: String)
    case video(VideoError)
    case frame(index: Int, reason: String)
    case cancelled
    case regionsFile(path: String, reason: String)
    case tracksFile(path: String, reason: String)
    /// An output folder that cannot be created or written.
    case outputUnusable(path: String, reason: String)

    /// The message shown to the user (one line, naming the file or frame).
    public var description: String {
        switch self {
        case .media(let error): error.description
        case .detection(let error): error.description
        case .masking(let error): error.description
        case .outputIsInput(let path): "\(path): the output path is the input; refusing to overwrite an input"
        case .unsupportedInput(let path): "\(path): not a supported image (by extension); skipped"
        case .noInputs(let path): "\(path): no supported images found"
        case .inputMissing(let path): "\(path): no such file or directory"
        case .video(let error): error.description
        case .frame(let index, let reason): "frame \(index): \(reason); the output was not written"
        case .cancelled: "cancelled; the output was not written"
        case .regionsFile(let path, let reason): "regions file \(path): \(reason)"
        case .tracksFile(let path, let reason): "tracks \(path): \(reason)"
        case .outputUnusable(let path, let reason): "cannot write into \(path): \(reason)"
        }
    }
}
