import Foundation
import VeilPipeline

/// Progress on stderr: a one-line bar redrawn in place on a terminal, one JSON object per
/// second for scripts, or nothing (pipes, CI, --quiet).
final class ProgressReporter: Sendable {
    enum Mode {
        case silent
        case terminal
        case json
    }

    private let mode: Mode
    private let lastJSON = LockedValue(0.0)
    private static let barWidth = 24

    init(mode: Mode) {
        let isTerminal = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["CI"] == nil
        self.mode = mode == .terminal && !isTerminal ? .silent : mode
    }

    func files(done: Int, total: Int) {
        switch mode {
        case .silent: return
        case .terminal:
            draw(label: "files", done: done, total: total, rate: nil, eta: nil)
        case .json:
            emit(["event": "file", "filesDone": done, "filesTotal": total], force: done == total)
        }
    }

    func video(_ path: String, _ state: VideoProgress) {
        switch mode {
        case .silent: return
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

    func finish() {
        if mode == .terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func draw(label: String, done: Int, total: Int?, rate: Double?, eta: Double?) {
        var line = "\r\u{1B}[K"
        if let total, total > 0 {
            let filled = min(Self.barWidth, Int(Double(done) / Double(total) * Double(Self.barWidth)))
            line += String(repeating: "█", count: filled) + String(repeating: "·", count: Self.barWidth - filled)
            line += " \(done)/\(total)"
        } else {
            line += "\(done)"
        }
        if let rate { line += String(format: "  %.1f fps", rate) }
        if let eta { line += String(format: "  ETA %.0fs", eta) }
        line += "  " + String(label.suffix(40))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Writes a JSON line at most once per second unless `force`.
    private func emit(_ object: [String: Any], force: Bool) {
        let now = Date().timeIntervalSince1970
        let shouldWrite = lastJSON.update { last in
            guard force || now - last >= 1 else { return false }
            last = now
            return true
        }
        guard shouldWrite, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
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
