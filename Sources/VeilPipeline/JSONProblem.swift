import Foundation

/// Turns a JSON decoding error into a message that names the place in the file.
enum JSONProblem {
    /// For example "missing 'y' at .regions[0].box" or "wrong type at .tracks[2].id".
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            "\(context.debugDescription) at \(path(context))"
        default:
            "\(error)"
        }
    }

    static func path(_ context: DecodingError.Context) -> String {
        let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
        return components.isEmpty ? "the top level" : components.joined()
    }
}
