import Foundation

/// A first-in-first-out queue of at most `capacity` elements between two pipeline stages: the
/// producer blocks while it is full, so memory stays constant however long the video.
///
/// `@unchecked Sendable`: `elements`, `isClosed` and `isCancelled` are only touched while
/// holding `condition`'s lock.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var isClosed = false
    private var isCancelled = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds an element, waiting for room; false when the queue was cancelled.
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while elements.count >= capacity && !isCancelled { condition.wait() }
        guard !isCancelled else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// The next element, waiting for one; nil once the queue is closed and drained, or cancelled.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !isClosed && !isCancelled { condition.wait() }
        guard !isCancelled, !elements.isEmpty else { return nil }
        condition.broadcast()
        return elements.removeFirst()
    }

    /// No more elements will be pushed; consumers drain what is left.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides now; pending elements are dropped.
    func cancel() {
        condition.lock()
        isCancelled = true
        elements.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
