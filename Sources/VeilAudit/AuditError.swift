/// Everything that can go wrong auditing re-identification risk, with messages a user can act on.
public enum AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A model file is not where it was looked for.
    case modelMissing(name: String, searched: [String])
    /// A model file exists but dlib could not load it.
    case modelLoadFailed(path: String, reason: String)
    /// The original and anonymized images differ in size, so faces cannot be compared in place.
    case sizeMismatch(original: String, anonymized: String)
    /// dlib failed while finding landmarks or computing a descriptor.
    case descriptorFailed(reason: String)
    /// An image attack failed.
    case attackFailed(attack: String, reason: String)
    /// Finding faces (in the original, or residual faces in the anonymized image) failed.
    case detectionFailed(reason: String)
    /// A directory could not be listed.
    case directoryUnreadable(path: String, reason: String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .modelMissing(let name, let searched):
            "model \(name) not found (looked in \(searched.joined(separator: ", "))); run `make setup` (scripts/setup.sh)"
        case .modelLoadFailed(let path, let reason):
            "cannot load model \(path): \(reason); delete it and run scripts/setup.sh to fetch a verified copy"
        case .sizeMismatch(let original, let anonymized):
            "original is \(original) but anonymized is \(anonymized); audit compares the same image before and after masking, at the same size"
        case .descriptorFailed(let reason): "face descriptor failed: \(reason)"
        case .attackFailed(let attack, let reason): "attack \(attack) failed: \(reason)"
        case .detectionFailed(let reason): "face detection failed: \(reason)"
        case .directoryUnreadable(let path, let reason): "cannot list \(path): \(reason)"
        case .invalidConfiguration(let message): "invalid audit configuration: \(message)"
        }
    }
}
