/// What can go wrong while painting masks.
public enum MaskingError: Error, Sendable, Equatable, CustomStringConvertible {
    case imageOperationFailed(reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .imageOperationFailed(let reason): "masking failed: \(reason); the frame was not written"
        }
    }
}
