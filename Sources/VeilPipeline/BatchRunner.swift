public import Foundation

/// The result of one job.
public struct JobResult: Sendable {
    public var job: BatchJob
    public var outcome: Result<ImageOutcome, PipelineError>
    public var elapsedMilliseconds: Double
}

/// Runs jobs on `jobs` threads and reports progress; one failing file never stops the others.
public struct BatchRunner: Sendable {
    public let anonymizer: ImageAnonymizer
    /// Files processed at once. Each detector call already uses several cores, so more than
    /// the core count rarely helps.
    public let concurrency: Int

    public init(anonymizer: ImageAnonymizer, concurrency: Int) {
        self.anonymizer = anonymizer
        self.concurrency = max(1, concurrency)
    }

    /// Runs every job; `progress` is called after each (completed count, total), possibly from
    /// several threads at once.
    public func run(_ jobs: [BatchJob], progress: @Sendable (Int, Int) -> Void = { _, _ in }) -> [JobResult] {
        let results = ResultSlots(count: jobs.count)
        let next = ResultSlots.Counter()
        let workers = min(concurrency, jobs.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.take(below: jobs.count) {
                var clock = Stopwatch()
                let job = jobs[index]
                let outcome: Result<ImageOutcome, PipelineError>
                do throws(PipelineError) {
                    outcome = .success(try anonymizer.anonymize(input: job.input, output: job.output))
                } catch {
                    outcome = .failure(error)
                }
                results.store(JobResult(job: job, outcome: outcome, elapsedMilliseconds: clock.lap()), at: index)
                progress(results.completed, jobs.count)
            }
        }
        return results.all
    }
}

/// Thread-safe slots for results written by concurrent workers.
///
/// `@unchecked Sendable`: every access to `slots`, `finished` and the counter's `value` happens
/// while holding `lock`.
final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [JobResult?]
    private var finished = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: JobResult, at index: Int) {
        lock.withLock {
            slots[index] = result
            finished += 1
        }
    }

    var completed: Int { lock.withLock { finished } }
    var all: [JobResult] { lock.withLock { slots.compactMap { $0 } } }

    /// Hands out job indices once each.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }
}
