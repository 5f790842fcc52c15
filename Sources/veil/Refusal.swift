import ArgumentParser
import Foundation

/// A command refused before any work, with exit status 2 (usage): output collisions, a file-like
/// `-o` for a folder, a report nobody could write. The first line is printed as `error: …` on
/// stderr, the others (the list of problems) indented below it.
struct Refusal: Error {
    let lines: [String]

    init(_ lines: [String]) { self.lines = lines }
    init(_ line: String) { self.lines = [line] }

    /// Prints the lines and returns the exit code to throw.
    func exit() -> ExitCode {
        for (index, line) in lines.enumerated() {
            FileHandle.standardError.write(Data(((index == 0 ? "error: " : "  ") + line + "\n").utf8))
        }
        return ExitCode(2)
    }
}
