import Foundation

/// A command refused before any work, with exit status 2 (usage): output collisions, a file-like
/// `-o` for a folder, a report nobody could write. `Veil.main` prints the first line as
/// `error: …` on stderr and the others (the list of problems) indented below it, or, with
/// `--json-progress`, sends them as the `failed` event's message.
struct Refusal: Error {
    let lines: [String]

    init(_ lines: [String]) { self.lines = lines }
    init(_ line: String) { self.lines = [line] }

    /// The lines as one message: the first, then the others indented.
    var message: String { lines.joined(separator: "\n  ") }
}
