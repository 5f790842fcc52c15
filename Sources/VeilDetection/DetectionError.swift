/// What can go wrong finding objects, with messages a user can act on.
public enum DetectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case modelMissing(name: String, searched: [String])
    case modelLoadFailed(path: String, reason: String)
    case inferenceFailed(model: String, reason: String)
    case unexpectedOutput(model: String, reason: String)
    case gpuUnavailable(reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .modelMissing(let name, let searched):
            "model \(name) not found (looked in \(searched.joined(separator: ", "))); run `make setup`"
        case .modelLoadFailed(let path, let reason): "cannot load model \(path): \(reason)"
        case .inferenceFailed(let model, let reason): "\(model) inference failed: \(reason)"
        case .unexpectedOutput(let model, let reason): "\(model) gave unexpected output: \(reason)"
        case .gpuUnavailable(let reason): "GPU requested but unavailable: \(reason)"
        }
    }
}
