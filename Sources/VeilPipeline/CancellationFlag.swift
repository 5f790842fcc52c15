import Foundation

/// Set once, by the caller (Ctrl-C, SIGTERM, a `Task` being cancelled), and read by every stage
/// of a run and by a batch before each file. A failing file never sets it: its failure is its own.
///
/// `@unchecked Sendable`: `isSet` is only read and written while holding `lock`.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    public init() {}

    public func cancel() { lock.withLock { isSet = true } }
    public var isCancelled: Bool { lock.withLock { isSet } }
}
