import Foundation
import Testing
import Veil

/// The `async` entry points: same results as the blocking ones, and cancelling the task stops
/// the run through the cancellation flag underneath, leaving nothing behind.
@Suite(.serialized) struct AsyncTests {
    @Test(.timeLimit(.minutes(1)))
    func cancellingTheTaskStopsAVideoAndLeavesNothingBehind() async throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        // Cancelled from the detection thread at its 5th call: the test body may not be
        // scheduled again for a while when the cooperative pool is busy with other tests.
        let holder = TaskHolder()
        let detector = BrightSquareDetector { call in if call == 5 { holder.cancel() } }
        let anonymizer = VideoPipelineTests.anonymizer(detector)
        let task = Task { try await anonymizer.anonymize(input: input, output: output) }
        holder.set(task)
        let result = await task.result
        if case .failure(let error as PipelineError) = result, case .cancelled = error {
        } else {
            Issue.record("expected PipelineError.cancelled, got \(result)")
        }
        #expect(TestSupport.files(under: directory) == ["square.mp4"])
    }

    @Test func anAsyncVideoRunMatchesTheBlockingOne() async throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let outcome = try await VideoPipelineTests.anonymizer(BrightSquareDetector())
            .anonymize(input: input, output: output)
        #expect(outcome.frames == 75)
        #expect(outcome.tracks[.face] == 1)
        #expect(outcome.outputSHA256 == (try SHA256.hex(ofFileAt: output)))
        try VideoPipelineTests.expectSquareHidden(in: output)
    }

    @Test func aCancelledTaskDoesNotStartAStill() async throws {
        let directory = try TestSupport.directory()
        let anonymizer = try ImagePipelineTests.anonymizer()
        let output = directory.appendingPathComponent("out.jpg")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await anonymizer.anonymize(input: TestSupport.astronaut, output: output)
        }
        await #expect(throws: PipelineError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func theLibrarysVideoScheduleIsTheCLIsDefault() throws {
        // The schedule lives in the library: an embedding program gets veil's defaults.
        let video = VideoSettings()
        #expect(video.detectionStride == 2)
        #expect(video.fullDetectionStride == 4)
        #expect(video.plateDetectionStride == 8)
        #expect(video.coarseDetectionSide == 640)
        #expect(video.detectionProfile == .video)
        let detectors = try video.detectors(targets: [.face, .plate], threshold: 0.2)
        let face = try #require(detectors.first { $0.objectClass == .face })
        #expect(face.stride == 4)
        #expect(face.coarse?.stride == 2)
        let plate = try #require(detectors.first { $0.objectClass == .plate })
        #expect(plate.stride == 8)
        #expect(plate.isStaggered)
    }
}

/// Hands a task to a thread that cancels it.
///
/// `@unchecked Sendable`: `task` is only touched while holding `lock`.
final class TaskHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<VideoOutcome, any Error>?

    func set(_ task: Task<VideoOutcome, any Error>) { lock.withLock { self.task = task } }

    /// Cancels the task, waiting up to 5 s for it to be set.
    func cancel() {
        for _ in 0..<500 {
            if let task = lock.withLock({ self.task }) {
                task.cancel()
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
