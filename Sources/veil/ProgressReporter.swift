import CVeilSystem
import Foundation
import VeilPipeline

/// Everything a command writes to stderr while it runs: a one-line bar redrawn in place on a
/// terminal, a JSON Lines event stream for scripts (`--json-progress`), or nothing but errors
/// and the summary (pipes, CI, `--quiet`).
///
/// JSON mode owns stderr: errors, the interrupt notice and the summary become events, and the
/// stream ends with exactly one `done` or `failed` event (see README, "Progress events").
final class ProgressReporter: Sendable {
    enum Mode {
        /// `--quiet`: errors only.
        case silent
        /// Not a terminal (pipes, CI): errors and the summary line.
        case plain
        /// A terminal: the progress line, errors and the summary line.
        case terminal
        /// `--json-progress`: events only.
        case json
    }

    /// The `schemaVersion` of every event.
    static let eventSchemaVersion = 1

    let mode: Mode
    private let lastJSON = LockedValue(0.0)
    private let filesDone = LockedValue(0)
    private static let barWidth = 24
    /// Whether the final `done`/`failed` event was written (at most one per process).
    static let hasFinished = LockedValue(false)

    init(mode: Mode) {
        let isTerminal = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["CI"] == nil
        self.mode = mode == .terminal && !isTerminal ? .plain : mode
    }

    var isJSON: Bool { mode == .json }

    /// The first event: what runs on how many inputs.
    func start(command: String, inputs: Int) {
        guard mode == .json else { return }
        emit(["event": "start", "schema": "veil-progress", "command": command, "inputs": inputs], force: true)
    }

    /// One input finished (or failed): a `file` event for every input in JSON mode, the bar
    /// on a terminal.
    func fileFinished(path: String, succeeded: Bool, total: Int) {
        let done = filesDone.update { count in
            count += 1
            return count
        }
        switch mode {
        case .silent, .plain: return
        case .terminal:
            draw(label: "files", done: done, total: total, rate: nil, eta: nil)
        case .json:
            emit(
                [
                    "event": "file", "file": path, "status": succeeded ? "ok" : "failed", "filesDone": done,
                    "filesTotal": total,
                ], force: true)
        }
    }

    func video(_ path: String, _ state: VideoProgress) {
        switch mode {
        case .silent, .plain: return
        case .terminal:
            draw(
                label: path, done: state.framesDone, total: state.framesTotal, rate: state.framesPerSecond,
                eta: state.etaSeconds)
        case .json:
            var object: [String: Any] = [
                "event": "video", "file": path, "framesDone": state.framesDone,
                "fps": (state.framesPerSecond * 10).rounded() / 10,
            ]
            if let total = state.framesTotal { object["framesTotal"] = total }
            if let eta = state.etaSeconds { object["etaSeconds"] = eta.rounded() }
            emit(object, force: false)
        }
    }

    /// One input that failed; the run goes on. `error: PATH: MESSAGE` on a terminal.
    func error(path: String?, _ message: String) {
        if mode == .json {
            var object: [String: Any] = ["event": "error", "message": message]
            if let path { object["file"] = path }
            emit(object, force: true)
        } else {
            clearLine()
            // Most messages already name their file (by its full path): say it once.
            if let path, !message.contains(URL(fileURLWithPath: path).lastPathComponent) {
                Self.printError("\(path): \(message)")
            } else {
                Self.printError(message)
            }
        }
    }

    /// How much a notice matters.
    enum NoticeLevel: String {
        /// The output may lack something the user expects (a damaged photo processed).
        case warning
        /// For the record (streams left out, leftovers removed).
        case note
    }

    /// A `warning:` or `note:` line (not with `--quiet`), or in JSON mode a `warning`/`note`
    /// event.
    func notice(_ level: NoticeLevel, path: String?, _ message: String) {
        switch mode {
        case .silent: return
        case .json:
            var object: [String: Any] = ["event": level.rawValue, "message": message]
            if let path { object["file"] = path }
            emit(object, force: true)
        case .plain, .terminal:
            clearLine()
            let text = "\(level.rawValue): " + (path.map { "\($0): " } ?? "") + message + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// The last event of a run that finished (exit status 0, or 1 when some inputs failed), or
    /// the summary line on a terminal.
    func done(exitCode: Int32, summary: String, fields: [String: Any]) {
        clearLine()
        switch mode {
        case .json:
            var object = fields
            object["event"] = "done"
            object["exitCode"] = Int(exitCode)
            Self.writeFinal(object)
        case .terminal, .plain:
            FileHandle.standardError.write(Data((summary + "\n").utf8))
        case .silent:
            break
        }
    }

    /// Removes the progress line from the terminal.
    func clearLine() {
        if mode == .terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// `error: MESSAGE` on stderr: the one way every error starts.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// The `failed` event: the run stopped (usage error, interruption, a failure before or
    /// instead of any work).
    static func writeFailed(exitCode: Int32, message: String) {
        writeFinal(["event": "failed", "exitCode": Int(exitCode), "message": message])
    }

    private static func writeFinal(_ object: [String: Any]) {
        let isFirst = hasFinished.update { finished in
            defer { finished = true }
            return !finished
        }
        guard isFirst else { return }
        writeLine(object)
    }

    /// Where events go: stderr as it was when the process started. In JSON mode file
    /// descriptor 2 itself is pointed at /dev/null (``reserveStandardErrorForEvents()``), so
    /// that C libraries that print on their own (libpng, FFmpeg, ONNX Runtime) cannot break
    /// the stream; their messages would otherwise arrive as lines that are not JSON.
    nonisolated(unsafe) private static var eventHandle = FileHandle.standardError

    /// Gives events the only copy of stderr; everything else written to fd 2 is dropped.
    /// Called once, before anything runs, when `--json-progress` is on the command line.
    static func reserveStandardErrorForEvents() {
        let saved = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        guard saved >= 0, null >= 0, dup2(null, STDERR_FILENO) >= 0 else { return }
        close(null)
        eventHandle = FileHandle(fileDescriptor: saved, closeOnDealloc: false)
    }

    private static func writeLine(_ object: [String: Any]) {
        var object = object
        object["schemaVersion"] = eventSchemaVersion
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        eventHandle.write(data + Data("\n".utf8))
    }

    private func draw(label: String, done: Int, total: Int?, rate: Double?, eta: Double?) {
        let line = Self.line(
            label: label, done: done, total: total, rate: rate, eta: eta, columns: Self.terminalColumns())
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// The progress line, at most `columns - 1` characters (the last column stays empty so no
    /// terminal wraps): the bar is dropped, then the label shortened from the left, when space
    /// runs out.
    static func line(label: String, done: Int, total: Int?, rate: Double?, eta: Double?, columns: Int) -> String {
        let limit = max(10, columns - 1)
        var counts = total.map { "\(done)/\($0)" } ?? "\(done)"
        if let rate { counts += String(format: "  %.1f fps", rate) }
        if let eta { counts += "  ETA " + duration(eta) }
        var bar = ""
        if let total, total > 0 {
            let filled = min(barWidth, Int(Double(done) / Double(total) * Double(barWidth)))
            bar = String(repeating: "█", count: filled) + String(repeating: "·", count: barWidth - filled) + " "
        }
        if bar.count + counts.count > limit { bar = "" }
        var line = String((bar + counts).prefix(limit))
        let room = limit - line.count - 2
        if room >= 4 {
            line += "  " + (label.count <= room ? label : "…" + String(label.suffix(room - 1)))
        }
        return line
    }

    /// "42s", "3m05s", "1h02m".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, whole / 60 % 60)
    }

    /// The terminal's width: `COLUMNS` when set (it overrides the real size, as environ(7)
    /// says and swift-argument-parser does), else TIOCGWINSZ on stderr, else 80.
    static func terminalColumns() -> Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value > 0 {
            return value
        }
        let columns = Int(CVeilSystem_terminalColumns(STDERR_FILENO))
        return columns > 0 ? columns : 80
    }

    /// Writes a JSON line at most once per second unless `force`.
    private func emit(_ object: [String: Any], force: Bool) {
        let now = Date().timeIntervalSince1970
        let shouldWrite = lastJSON.update { last in
            guard force || now - last >= 1 else { return false }
            last = now
            return true
        }
        guard shouldWrite else { return }
        Self.writeLine(object)
    }
}

/// A value guarded by a lock.
///
/// `@unchecked Sendable`: `value` is only touched inside `update`, under `lock`.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }
}
