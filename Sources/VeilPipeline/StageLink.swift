import Foundation
import VeilTracking
import VeilVideo

/// All that the stages of one video run share: the two queues between them, the caller's
/// cancellation and the run's first failure. Everything else belongs to one stage.
///
/// `@unchecked Sendable`: the queues are thread-safe themselves and `failure` is guarded by
/// `lock`.
final class StageLink: @unchecked Sendable {
    /// Decoded frames on their way to the detectors (fewer when they come from the scout), and
    /// the frames the scout skipped, in order.
    let decoded: BoundedQueue<DecodedFrame>
    /// Frames (or where to find them again) with their plans, on their way to masking.
    let planned = BoundedQueue<(VideoRun.PlannedFrame, FramePlan)>(capacity: VideoAnonymizer.queueCapacity)
    let cancellation: CancellationFlag
    private let lock = NSLock()
    private var failure: PipelineError?

    init(decodedCapacity: Int, cancellation: CancellationFlag) {
        decoded = BoundedQueue(capacity: decodedCapacity)
        self.cancellation = cancellation
    }

    /// The first failure any stage recorded.
    var firstFailure: PipelineError? { lock.withLock { failure } }

    /// Records the first failure and stops every stage of this run. The failure is this file's
    /// alone: the caller's cancellation flag (shared by a whole batch) is never set here, so the
    /// other files of a batch still run.
    func fail(_ error: PipelineError) {
        lock.withLock { if failure == nil { failure = error } }
        decoded.cancel()
        planned.cancel()
    }

    /// Whether the run is stopping (cancelled from outside, or failed). When it is, every queue
    /// is cancelled too, so a stage blocked on a full or empty queue wakes up and exits: without
    /// that, a stop that one stage notices leaves another waiting forever.
    func isStopping() -> Bool {
        guard cancellation.isCancelled || lock.withLock({ failure != nil }) else { return false }
        decoded.cancel()
        planned.cancel()
        return true
    }
}
