public import Foundation
public import VeilGeometry
public import VeilTracking
public import VeilVideo

/// Runs blocking pipeline work on its own thread (never on Swift's cooperative pool, which a
/// minutes-long video would starve) and resumes the caller when it ends.
func offloaded<Value: Sendable>(
    _ work: @escaping @Sendable () throws(PipelineError) -> Value
) async throws(PipelineError) -> Value {
    let result: Result<Value, PipelineError> = await withCheckedContinuation { continuation in
        Thread {
            do throws(PipelineError) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }.start()
    }
    return try result.get()
}

/// Cancels `flag` when the current task is cancelled while `work` runs.
func cancellable<Value: Sendable>(
    _ work: @escaping @Sendable (CancellationFlag) throws(PipelineError) -> Value
) async throws(PipelineError) -> Value {
    let flag = CancellationFlag()
    if Task.isCancelled { throw .cancelled }
    let result: Result<Value, PipelineError> = await withTaskCancellationHandler {
        do throws(PipelineError) {
            return .success(try await offloaded { () throws(PipelineError) in try work(flag) })
        } catch {
            return .failure(error)
        }
    } onCancel: {
        flag.cancel()
    }
    return try result.get()
}

extension ImageAnonymizer {
    /// Anonymizes `input` into `output` off the caller's thread.
    ///
    /// A still takes a fraction of a second, so cancellation is checked before it starts and
    /// honoured by not starting: a still that has begun is finished (or fails) as a whole.
    ///
    /// ```swift
    /// let outcome = try await ImageAnonymizer(detector: detector, settings: settings)
    ///     .anonymize(input: photo, output: masked)
    /// ```
    ///
    /// - Throws: ``PipelineError/cancelled`` when the task was cancelled before it started;
    ///   otherwise as ``anonymize(input:output:)``.
    public func anonymize(input: URL, output: URL) async throws(PipelineError) -> ImageOutcome {
        if Task.isCancelled { throw .cancelled }
        return try await offloaded { () throws(PipelineError) in try self.anonymize(input: input, output: output) }
    }
}

extension VideoAnonymizer {
    /// Anonymizes a video; cancelling the task stops it within a frame or two, removes the
    /// partial output and throws ``PipelineError/cancelled``. The stages run on their own
    /// threads, not on the cooperative pool.
    ///
    /// ```swift
    /// let anonymizer = try VideoAnonymizer(settings: AnonymizationSettings(), video: VideoSettings())
    /// let task = Task { try await anonymizer.anonymize(input: clip, output: masked) }
    /// task.cancel()  // nothing is left under `masked`
    /// ```
    public func anonymize(
        input: URL,
        output: URL,
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) async throws(PipelineError) -> VideoOutcome {
        try await cancellable { flag throws(PipelineError) in
            try self.anonymize(input: input, output: output, cancellation: flag, progress: progress)
        }
    }

    /// ``detectPlans(input:cancellation:progress:)`` as an `async` call that honours task
    /// cancellation.
    public func detectPlans(
        input: URL,
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) async throws(PipelineError) -> (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo) {
        let result = try await cancellable { flag throws(PipelineError) in
            let result = try self.detectPlans(input: input, cancellation: flag, progress: progress)
            return DetectedPlans(outcome: result.outcome, plans: result.plans, info: result.info)
        }
        return (result.outcome, result.plans, result.info)
    }

    /// ``render(input:output:plans:masks:cancellation:progress:)`` as an `async` call that
    /// honours task cancellation.
    public func render(
        input: URL,
        output: URL,
        plans: [Int: FramePlan],
        masks: [Int: [MaskRegion]] = [:],
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) async throws(PipelineError) -> VideoOutcome {
        try await cancellable { flag throws(PipelineError) in
            try self.render(
                input: input, output: output, plans: plans, masks: masks, cancellation: flag, progress: progress)
        }
    }
}

/// A tuple is not `Sendable`-checked across the thread hop; this is.
private struct DetectedPlans: Sendable {
    var outcome: VideoOutcome
    var plans: [FramePlan]
    var info: VideoInfo
}

extension BatchRunner {
    /// Runs every job off the caller's thread; cancelling the task cancels ``cancellation``:
    /// the running video stops and removes its partial output, and every job not started
    /// fails with ``PipelineError/cancelled``. Results come in the jobs' order.
    public func run(
        _ jobs: [BatchJob],
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
        videoProgress: @escaping @Sendable (BatchJob, VideoProgress) -> Void = { _, _ in },
        finished: @escaping @Sendable (JobResult) -> Void = { _ in }
    ) async -> [JobResult] {
        let flag = cancellation
        let results = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[JobResult], Never>) in
                Thread {
                    continuation.resume(
                        returning: self.run(
                            jobs, progress: progress, videoProgress: videoProgress, finished: finished))
                }.start()
            }
        } onCancel: {
            flag.cancel()
        }
        return results
    }
}
