import Foundation
import Testing

/// Every command's `--help` compared whole against a checked-in file (as swift-argument-parser
/// tests its own examples), so a change to options, defaults or wording is a visible diff.
/// After an intended change: `VEIL_UPDATE_HELP=1 swift test --filter HelpGoldenTests`, then review
/// the diff of Tests/VeilCLITests/Help/.
@Suite struct HelpGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")

    /// The commands compared. A build without the review server (`VEIL_SANITIZE=1`, the
    /// sanitizer builds) has no `review` command, and its top-level help does not list one, so
    /// those two goldens are left out there.
    #if VEIL_REVIEW_SERVER
        static let commands = ["", "anonymize", "detect", "render", "evaluate", "audit", "batch", "review"]
    #else
        static let commands = ["anonymize", "detect", "render", "evaluate", "audit", "batch"]
    #endif

    @Test(arguments: commands)
    func helpMatchesTheGoldenFile(command: String) throws {
        let arguments = command.isEmpty ? ["--help"] : [command, "--help"]
        // A fixed width: swift-argument-parser wraps help to COLUMNS.
        let run = try CLITests.veil(arguments, environment: ["COLUMNS": "100"])
        #expect(run.status == 0)
        let golden = Self.folder.appendingPathComponent("\(command.isEmpty ? "veil" : command).txt")
        if ProcessInfo.processInfo.environment["VEIL_UPDATE_HELP"] != nil {
            try Data(run.stdout.utf8).write(to: golden)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(
            run.stdout == expected,
            "`veil \(arguments.joined(separator: " "))` differs from \(golden.lastPathComponent)")
    }

    @Test func helpFitsAHundredColumns() throws {
        for file in try FileManager.default.contentsOfDirectory(at: Self.folder, includingPropertiesForKeys: nil) {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                #expect(line.count <= 100, "\(file.lastPathComponent): \(line)")
            }
        }
    }
}
