import Foundation

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal
/// (pipes, CI logs) or when disabled.
final class ProgressLine: Sendable {
    private let isEnabled: Bool
    private let started = Date()
    private static let barWidth = 30

    init(isEnabled: Bool) {
        self.isEnabled =
            isEnabled && isatty(STDERR_FILENO) != 0
            && ProcessInfo.processInfo.environment["CI"] == nil
    }

    func update(done: Int, total: Int) {
        guard isEnabled, total > 0 else { return }
        let fraction = Double(done) / Double(total)
        let filled = Int(fraction * Double(Self.barWidth))
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: Self.barWidth - filled)
        let line = String(
            format: "\r%@ %d/%d  %.1f/s  ETA %.0fs ", bar, done, total, Double(done) / max(elapsed, 1e-3), eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
