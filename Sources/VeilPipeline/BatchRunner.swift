import Foundation

/// What happened to one file.
public enum MediaOutcome: Sendable {
    case image(ImageOutcome)
    case video(VideoOutcome)

    /// Detections masked, per class: in a still one per object, in a video summed over every
    /// detected frame (see ``VideoOutcome/tracks`` for objects).
    public var detections: ClassCounts {
        switch self {
        case .image(let outcome): outcome.detections
        case .video(let outcome): outcome.detections
        }
    }
}

/// The result of one job.
public struct JobResult: Sendable {
    /// The job.
    public var job: BatchJob
    /// What happened, or why it failed.
    public var outcome: Result<MediaOutcome, PipelineError>
    /// Wall time of the job.
    public var elapsedMilliseconds: Double
}

/// Runs jobs and reports progress; one failing file never stops the others.
///
/// Stills run `concurrency` at a time; videos run one after another, each already spreading
/// its stages over the cores.
public struct BatchRunner: Sendable {
    /// Runs the stills; nil fails them as unsupported.
    public let images: ImageAnonymizer?
    /// Runs the videos; nil fails them as unsupported.
    public let videos: VideoAnonymizer?
    /// Still images processed at once. Each detector call already uses several cores, so more
    /// than the core count rarely helps.
    public let concurrency: Int
    /// Stops the run (Ctrl-C): jobs not started fail as cancelled.
    public let cancellation: CancellationFlag

    /// A runner; `concurrency` is clamped to at least 1.
    public init(
        images: ImageAnonymizer?,
        videos: VideoAnonymizer?,
        concurrency: Int,
        cancellation: CancellationFlag = CancellationFlag()
    ) {
        self.images = images
        self.videos = videos
        self.concurrency = max(1, concurrency)
        self.cancellation = cancellation
    }

    /// Runs every job. `progress` is called after each file (completed count, total), possibly
    /// from several threads; `videoProgress` while a video runs; `finished` with each file's
    /// result as soon as it is known (before `progress`), so failures can be reported as they
    /// happen.
    public func run(
        _ jobs: [BatchJob],
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
        videoProgress: @escaping @Sendable (BatchJob, VideoProgress) -> Void = { _, _ in },
        finished: @escaping @Sendable (JobResult) -> Void = { _ in }
    ) -> [JobResult] {
        let results = ResultSlots(count: jobs.count)
        let stills = jobs.indices.filter { jobs[$0].kind != .video }
        let movies = jobs.indices.filter { jobs[$0].kind == .video }
        let next = ResultSlots.Counter()
        let workers = min(concurrency, stills.count)
        if workers > 0 {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let position = next.take(below: stills.count) {
                    let index = stills[position]
                    let result = runImage(jobs[index])
                    results.store(result, at: index)
                    finished(result)
                    progress(results.completed, jobs.count)
                }
            }
        }
        for index in movies {
            let job = jobs[index]
            let result = runVideo(job) { videoProgress(job, $0) }
            results.store(result, at: index)
            finished(result)
            progress(results.completed, jobs.count)
        }
        return results.all
    }

    private func runImage(_ job: BatchJob) -> JobResult {
        var clock = Stopwatch()
        let outcome: Result<MediaOutcome, PipelineError>
        if cancellation.isCancelled {
            outcome = .failure(.cancelled)
        } else if let images {
            do throws(PipelineError) {
                outcome = .success(.image(try images.anonymize(input: job.input, output: job.output)))
            } catch {
                outcome = .failure(error)
            }
        } else {
            outcome = .failure(.unsupportedInput(path: job.input.path))
        }
        return JobResult(job: job, outcome: outcome, elapsedMilliseconds: clock.lap())
    }

    private func runVideo(_ job: BatchJob, progress: @escaping @Sendable (VideoProgress) -> Void) -> JobResult {
        var clock = Stopwatch()
        let outcome: Result<MediaOutcome, PipelineError>
        if cancellation.isCancelled {
            outcome = .failure(.cancelled)
        } else if let videos {
            do throws(PipelineError) {
                let result = try videos.anonymize(
                    input: job.input,
                    output: job.output,
                    cancellation: cancellation,
                    progress: progress
                )
                outcome = .success(.video(result))
            } catch {
                outcome = .failure(error)
            }
        } else {
            outcome = .failure(.unsupportedInput(path: job.input.path))
        }
        return JobResult(job: job, outcome: outcome, elapsedMilliseconds: clock.lap())
    }
}

/// Thread-safe slots for results written by concurrent workers.
///
/// `@unchecked Sendable`: every access to `slots` and `finished` happens while holding `lock`.
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

    /// Hands out positions once each.
    ///
    /// `@unchecked Sendable`: `value` is only touched while holding `lock`.
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
