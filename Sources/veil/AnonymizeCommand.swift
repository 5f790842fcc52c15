import ArgumentParser
import Foundation
import VeilDetection
import VeilGeometry
import VeilPipeline

struct AnonymizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymize",
        abstract: "Mask faces and licence plates in images, videos and directories of them.",
        discussion: """
            Images: EXIF orientation is applied and outputs carry no metadata (EXIF, GPS, XMP, \
            IPTC, comments, thumbnails) unless --keep-metadata, which still drops GPS, \
            thumbnails and serial numbers. Videos: every frame is detected, tracked and masked; \
            audio and subtitles are copied untouched; frame count, timestamps and rotation are \
            kept; location and device metadata are stripped. Inputs are never modified; outputs \
            appear only when complete (Ctrl-C leaves nothing behind).
            """
    )

    @Argument(help: "Image or video files, or directories (searched recursively).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file, or directory mirroring the inputs.")
    var output: String

    @OptionGroup(title: "Detection and masks") var detection: DetectionOptions

    @OptionGroup(title: "Video") var video: VideoOptions

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Option(help: "JPEG/WebP quality (1–100).")
    var quality: Int = AnonymizationSettings().quality

    @Flag(
        help:
            "Keep harmless metadata (camera, exposure, dates); never GPS, thumbnails, serials or device names in video."
    )
    var keepMetadata = false

    @Option(help: "Write a JSON report (counts, timings, model hashes; no personal data).")
    var report: String?

    @Option(help: "Still images processed at once.")
    var jobs: Int = 1

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Flag(help: "Progress as one JSON object per second on stderr (for scripts).")
    var jsonProgress = false

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        var settings = detection.settings
        settings.quality = quality
        settings.keepsMetadata = keepMetadata
        do {
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let plan = BatchPlan.make(inputs: inputs.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output))
        let hasImages = plan.jobs.contains { $0.kind != .video }
        let hasVideos = plan.jobs.contains { $0.kind == .video }
        let imageDetector: (any ObjectDetector)?
        let videoDetectors: [VideoAnonymizer.ClassDetector]
        do {
            imageDetector = hasImages ? try detection.makeDetector() : nil
            videoDetectors = hasVideos ? try video.detectors(detection) : []
        } catch {
            throw CommandFailure("\(error)")
        }
        let videoDetector: (any ObjectDetector)? =
            videoDetectors.isEmpty ? nil : EnsembleDetector(members: videoDetectors.map(\.detector))
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation)
        defer { interrupt.restore() }
        let runner = BatchRunner(
            images: imageDetector.map { ImageAnonymizer(detector: $0, settings: settings) },
            videos: videoDetectors.isEmpty
                ? nil
                : VideoAnonymizer(
                    detectors: videoDetectors,
                    settings: settings,
                    video: video.settings(keepsMetadata: keepMetadata)
                ),
            concurrency: jobs,
            cancellation: cancellation
        )
        let progress = ProgressReporter(mode: quiet ? .silent : (jsonProgress ? .json : .terminal))
        let started = Date()
        let results = runner.run(
            plan.jobs,
            progress: { done, total in progress.files(done: done, total: total) },
            videoProgress: { job, state in progress.video(job.relativePath, state) }
        )
        progress.finish()
        var failed = plan.errors.count
        var masked = 0
        for failure in plan.errors {
            FileHandle.standardError.write(Data("error: \(failure.error)\n".utf8))
        }
        for result in results {
            switch result.outcome {
            case .success(let outcome): masked += outcome.counts.values.reduce(0, +)
            case .failure(let error):
                failed += 1
                FileHandle.standardError.write(Data("error: \(result.job.relativePath): \(error)\n".utf8))
            }
        }
        if let report {
            let document = BatchReport(
                version: Veil.version,
                detector: imageDetector ?? videoDetector ?? EnsembleDetector(members: []),
                videoDetector: imageDetector == nil ? nil : videoDetector,
                settings: settings,
                results: results,
                planningErrors: plan.errors,
                elapsedSeconds: Date().timeIntervalSince(started)
            )
            do {
                try document.jsonData().write(to: URL(fileURLWithPath: report), options: .atomic)
            } catch {
                throw CommandFailure("cannot write report \(report): \(error.localizedDescription)")
            }
        }
        if !quiet {
            let succeeded = results.count - (failed - plan.errors.count)
            FileHandle.standardError.write(
                Data("\(succeeded) file(s) anonymized, \(masked) detection(s), \(failed) failed → \(output)\n".utf8)
            )
        }
        if cancellation.isCancelled { throw ExitCode(130) }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// A failure the CLI reports as one line and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
