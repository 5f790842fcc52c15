/// Why `veil batch` could not plan, run or merge; each message is one line a user can act on.
public enum BatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The manifest could not be read.
    case manifestUnreadable(path: String, reason: String)
    /// A manifest line is not a path or a valid JSON object.
    case manifestLine(path: String, line: Int, reason: String)
    /// The manifest names no input.
    case manifestEmpty(path: String)
    /// Two items would write one output, or an output is an input.
    case conflicts([String])
    /// The shard index or count is missing or out of range (a usage error).
    case shardSelection(String)
    /// A done-record or shard report could not be written.
    case unwritable(path: String, reason: String)
    /// `merge` found no shard report in the folder.
    case noReports(path: String)

    public var description: String {
        switch self {
        case .manifestUnreadable(let path, let reason): "cannot read the manifest \(path): \(reason)"
        case .manifestLine(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .manifestEmpty(let path): "the manifest \(path) names no input"
        case .conflicts(let lines):
            "\(lines.count) output conflict(s); nothing was written: " + lines.joined(separator: "; ")
        case .shardSelection(let reason): reason
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .noReports(let path):
            "no shard report under \(path)/\(BatchLayout.folderName)/reports; run `veil batch MANIFEST -o \(path)` first"
        }
    }
}
