/// Everything that can go wrong reading or writing media, with messages a user can act on.
public enum MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case undecodable(path: String, reason: String)
    /// The image decodes only partly: truncated, or with corrupt data the decoder would fill in.
    case damaged(path: String, reason: String)
    case unsupportedOutputFormat(extension: String)
    case encodingFailed(reason: String)
    case unwritable(path: String, reason: String)
    case imageOperationFailed(operation: String, reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .emptyFile(let path): "\(path) is empty (0 bytes)"
        case .undecodable(let path, let reason): "\(path): \(reason)"
        case .damaged(let path, let reason):
            "\(path): damaged or truncated image: \(reason); nothing was written"
        case .unsupportedOutputFormat(let ext):
            "cannot write '.\(ext)' images; use one of \(ImageFormat.allCases.map { "." + $0.rawValue }.joined(separator: ", "))"
        case .encodingFailed(let reason): "encoding failed: \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason); nothing was written there"
        case .imageOperationFailed(let operation, let reason): "\(operation) failed: \(reason)"
        }
    }
}
