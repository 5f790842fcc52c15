import Foundation

extension DecodingError {
    /// Where in the file the error is, e.g. `[3].objects[2].box`, and what is wrong there.
    var entryAndReason: (entry: String, reason: String) {
        switch self {
        case .typeMismatch(let type, let context):
            return (Self.describe(context.codingPath), "expected \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            return (Self.describe(context.codingPath), "expected \(Self.name(of: type)), found null")
        case .keyNotFound(let key, let context):
            return (Self.describe(context.codingPath), "missing key '\(key.stringValue)'")
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0.localizedDescription))" } ?? ""
            return (Self.describe(context.codingPath), "invalid JSON\(underlying)")
        @unknown default:
            return ("file", "\(self)")
        }
    }

    /// A coding path written the way a person would point into the JSON.
    private static func describe(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "top level" }
        return path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            .joined()
            .trimmingPrefix(".")
            .description
    }

    /// A JSON-ish name for a Swift type.
    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Double.Type, is Int.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let typeName = String(describing: type)
            return typeName.hasPrefix("Array") ? "an array" : typeName.hasPrefix("Dictionary") ? "an object" : typeName
        }
    }
}
