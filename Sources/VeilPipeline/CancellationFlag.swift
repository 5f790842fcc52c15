import Foundation

/// Set once, by the caller (Ctrl-C, SIGTERM, a `Task` being cancelled), and read by every stage
/// of a run and by a batch before each file. A failing file never sets it: its failure is its own.
///
/// `@unchecked Sendable`: `isSet` is only read and written while holding `lock`.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    /// A flag not yet set.
    public init() {}

    /// Sets the flag; every stage reading it stops.
    public func cancel() { lock.withLock { isSet = true } }
    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { lock.withLock { isSet } }
}
