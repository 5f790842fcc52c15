/// What can go wrong in the tracking module: only configurations that contradict themselves.
public enum TrackingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range or contradicts another one.
    case invalidConfiguration(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .invalidConfiguration(let reason):
            return "invalid tracking configuration: \(reason)"
        }
    }
}
