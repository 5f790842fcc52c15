/// Containers Veil writes video into, chosen by the output file's extension.
public enum VideoContainer: String, Sendable, CaseIterable {
    case mp4, mov, mkv

    /// The container for a file extension (case-insensitive; `m4v` counts as MP4), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "mp4", "m4v": self = .mp4
        case "mov": self = .mov
        case "mkv": self = .mkv
        default: return nil
        }
    }

    /// Extensions Veil accepts as video inputs when walking a directory.
    public static let inputExtensions: Set<String> = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "mts", "m2ts", "3gp"]
}
