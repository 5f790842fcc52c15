import Foundation

/// Set once (by Ctrl-C or a failing stage) and read by every stage of a run.
///
/// `@unchecked Sendable`: `isSet` is only read and written while holding `lock`.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    public init() {}

    public func cancel() { lock.withLock { isSet = true } }
    public var isCancelled: Bool { lock.withLock { isSet } }
}
