import CVeilSystem
import Dispatch
import Foundation
import VeilPipeline

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation: running stages stop, temporary
/// outputs are removed, nothing is left under an output name. Only these signals cancel a
/// batch; a file's own failure never does. The command then exits with
/// ``exitCode``: 130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells do).
///
/// `@unchecked Sendable`: `timer` is written once in `init` and used only by `restore`, on the
/// command's thread; `received` is a `LockedValue`; the C side is a `sig_atomic_t`.
final class InterruptHandler: @unchecked Sendable {
    /// How often the recorded signal is looked at: short enough that stopping feels immediate.
    private static let pollInterval = DispatchTimeInterval.milliseconds(50)
    private let timer: any DispatchSourceTimer
    private let received = LockedValue<Int32?>(nil)

    /// - Parameter reporter: says on stderr (or, in JSON mode, says nothing: the final
    ///   `failed` event carries it) that the run is stopping.
    init(cancellation: CancellationFlag, reporter: ProgressReporter) {
        // Armed before this returns (a C handler that records the signal), then polled: a
        // dispatch signal source is registered asynchronously, and a Ctrl-C arriving before
        // that was ignored (seen under the sanitizer build, where start-up is slower).
        CVeilSystem_armInterrupts()
        let received = self.received
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + Self.pollInterval, repeating: Self.pollInterval)
        timer.setEventHandler {
            let signalNumber = CVeilSystem_receivedInterrupt()
            guard signalNumber != 0 else { return }
            let isFirst = received.update { value -> Bool in
                guard value == nil else { return false }
                value = signalNumber
                return true
            }
            guard isFirst else { return }
            if !reporter.isJSON {
                reporter.clearLine()
                FileHandle.standardError.write(Data("interrupted: stopping, removing partial outputs…\n".utf8))
            }
            cancellation.cancel()
        }
        timer.resume()
    }

    /// The exit status for the signal received, if one was.
    var exitCode: ExitStatus? {
        let polled = CVeilSystem_receivedInterrupt()
        let signalNumber = received.update { $0 } ?? (polled != 0 ? polled : nil)
        return signalNumber.map { $0 == SIGTERM ? .terminated : .interrupted }
    }

    func restore() {
        timer.cancel()
        CVeilSystem_disarmInterrupts()
    }
}
