import Dispatch
import Foundation
import VeilPipeline

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation: running stages stop, temporary
/// outputs are removed, nothing is left under an output name. Only these signals cancel a
/// batch; a file's own failure never does. The command then exits with
/// ``exitCode``: 130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells do).
///
/// `@unchecked Sendable`: `sources` is written once in `init` and read only by `restore`, on the
/// command's thread; `received` is a `LockedValue`.
final class InterruptHandler: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let received = LockedValue<Int32?>(nil)

    /// - Parameter reporter: says on stderr (or, in JSON mode, says nothing: the final
    ///   `failed` event carries it) that the run is stopping.
    init(cancellation: CancellationFlag, reporter: ProgressReporter) {
        let received = self.received
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                received.update { $0 = $0 ?? signalNumber }
                if !reporter.isJSON {
                    reporter.clearLine()
                    FileHandle.standardError.write(Data("interrupted: stopping, removing partial outputs…\n".utf8))
                }
                cancellation.cancel()
            }
            source.resume()
            return source
        }
    }

    /// The exit status for the signal received, if one was.
    var exitCode: ExitStatus? {
        received.update { $0 }.map { $0 == SIGTERM ? .terminated : .interrupted }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
