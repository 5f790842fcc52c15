import ArgumentParser

/// Veil's exit statuses, the same for every subcommand (listed in `veil --help` and the README).
enum ExitStatus: Int32, CaseIterable, Error {
    /// Everything asked for was done.
    case done = 0
    /// Some inputs failed (each named on stderr, or in an `error` event); the others were done.
    /// Also any failure that stops a command before it could do anything (an unreadable
    /// tracks file, missing models).
    case someFailed = 1
    /// The command line was wrong: unknown option or subcommand, invalid value. Nothing ran.
    case usage = 2
    /// `veil audit --fail-above`: the re-identification rate was above the limit.
    case auditAboveThreshold = 3
    /// Ctrl-C (SIGINT): the run stopped, no partial output left.
    case interrupted = 130
    /// SIGTERM: the run stopped, no partial output left.
    case terminated = 143

    /// The line `--help` shows.
    var meaning: String {
        switch self {
        case .done: "done"
        case .someFailed: "some inputs failed (the others were done), or the command failed"
        case .usage: "usage error: nothing ran"
        case .auditAboveThreshold: "audit: re-identification rate above --fail-above"
        case .interrupted: "interrupted (Ctrl-C); no partial output left"
        case .terminated: "terminated (SIGTERM); no partial output left"
        }
    }

    /// The exit-status table for `--help`.
    static var helpText: String {
        "Exit status:\n"
            + allCases.map { "  \(String($0.rawValue).padding(toLength: 5, withPad: " ", startingAt: 0))\($0.meaning)" }
            .joined(separator: "\n")
    }

    var exitCode: ExitCode { ExitCode(rawValue) }
}
