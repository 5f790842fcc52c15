import Dispatch
import Foundation
import VeilPipeline

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation: running stages stop, temporary
/// outputs are removed, nothing is left under an output name.
final class InterruptHandler {
    private let sources: [any DispatchSourceSignal]

    init(cancellation: CancellationFlag) {
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\ninterrupted: stopping, removing partial outputs…\n".utf8))
                cancellation.cancel()
            }
            source.resume()
            return source
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
