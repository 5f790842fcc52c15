import Dispatch
import Foundation
import VeilPipeline

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation: running stages stop, temporary
/// outputs are removed, nothing is left under an output name. Only these signals cancel a
/// batch; a file's own failure never does.
final class InterruptHandler {
    private let sources: [any DispatchSourceSignal]
    private let received = LockedValue<Int32?>(nil)

    init(cancellation: CancellationFlag) {
        let received = received
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                received.update { if $0 == nil { $0 = signalNumber } }
                FileHandle.standardError.write(Data("\ninterrupted: stopping, removing partial outputs…\n".utf8))
                cancellation.cancel()
            }
            source.resume()
            return source
        }
    }

    /// The exit status for the first signal received: 130 (SIGINT) or 143 (SIGTERM), the shell's
    /// 128 + signal number; nil when none arrived.
    var exitStatus: Int32? { received.update { $0 }.map { 128 + $0 } }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
