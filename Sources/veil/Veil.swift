import ArgumentParser
import Foundation

@main
struct Veil: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "veil",
        abstract: "Anonymize faces and licence plates in images and video, locally and irreversibly.",
        discussion: """
            Every error message starts with "error:" on stderr (with --json-progress: it is an \
            "error" or "failed" event instead).

            \(ExitStatus.helpText)
            """,
        version: version,
        subcommands: [
            AnonymizeCommand.self, DetectCommand.self, RenderCommand.self, EvaluateCommand.self, AuditCommand.self,
            BatchCommand.self,
        ] + reviewSubcommands,
        defaultSubcommand: nil
    )

    /// `veil review` exists in builds with the review server (not in the sanitizer build).
    #if VEIL_REVIEW_SERVER
        static let reviewSubcommands: [any ParsableCommand.Type] = [ReviewCommand.self]
    #else
        static let reviewSubcommands: [any ParsableCommand.Type] = []
    #endif

    /// Parses, runs, and maps every outcome to one exit status and one way of saying it: usage
    /// errors exit 2 (not swift-argument-parser's 64), errors start with "error:", and in JSON
    /// mode they become the stream's final `failed` event.
    static func main() {
        MemoryTuning.apply()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let isJSON = arguments.contains("--json-progress")
        if isJSON { ProgressReporter.reserveStandardErrorForEvents() }
        if let message = unknownSubcommandMessage(arguments) {
            fail(status: .usage, message: message, isJSON: isJSON)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            handle(error, isJSON: isJSON)
        }
    }

    private static func handle(_ error: any Error, isJSON: Bool) -> Never {
        if let status = error as? ExitStatus { finishSilently(status.rawValue, isJSON: isJSON) }
        if let code = error as? ExitCode { finishSilently(code.rawValue, isJSON: isJSON) }
        if let refusal = error as? Refusal { fail(status: .usage, message: refusal.message, isJSON: isJSON) }
        let code = exitCode(for: error)
        // Help and --version: swift-argument-parser prints them to stdout.
        if code == .success { exit(withError: error) }
        let status: ExitStatus = code == .validationFailure ? .usage : .someFailed
        var message = fullMessage(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        fail(status: status, message: message, isJSON: isJSON)
    }

    /// Exits after a command that already said what happened (its summary, or its `done` event);
    /// in JSON mode a stream that has no final event yet gets a `failed` one.
    private static func finishSilently(_ status: Int32, isJSON: Bool) -> Never {
        if isJSON, status != 0 {
            let meaning = ExitStatus(rawValue: status)?.meaning ?? "exit status \(status)"
            ProgressReporter.writeFailed(exitCode: status, message: meaning)
        }
        Foundation.exit(status)
    }

    private static func fail(status: ExitStatus, message: String, isJSON: Bool) -> Never {
        if isJSON {
            ProgressReporter.writeFailed(exitCode: status.rawValue, message: message)
        } else {
            ProgressReporter.printError(message)
        }
        Foundation.exit(status.rawValue)
    }

    /// "unknown command 'anonymise'; did you mean 'anonymize'?" when the first argument is
    /// neither an option nor a subcommand.
    static func unknownSubcommandMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        var message = "unknown command '\(first)'"
        let closest = names.map { (name: $0, distance: editDistance($0, first.lowercased())) }
            .min { $0.distance < $1.distance }
        if let closest, closest.distance <= max(2, first.count / 3) {
            message += "; did you mean '\(closest.name)'?"
        } else {
            message += "; commands: " + names.dropLast().joined(separator: ", ")
        }
        return message + "\nSee 'veil --help'."
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
