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

            Exit status: 0 done, 1 some inputs failed, 2 usage error, 130/143 interrupted.
            """
    )

    @Argument(help: "Image or video files, or directories (searched recursively).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file, or directory mirroring the inputs.")
    var output: String

    @OptionGroup(title: "Detection") var detection: DetectorOptions

    @OptionGroup(title: "Masks") var masks: MaskOptions

    @OptionGroup(title: "Photos") var stills: StillDetectionOptions

    @Option(help: "JPEG/WebP quality (1–100).")
    var quality: Int = AnonymizationSettings().quality

    @OptionGroup(title: "Video detection") var videoDetection: VideoDetectionOptions

    @OptionGroup(title: "Video encoding") var encoding: VideoEncodingOptions

    @Flag(help: "Run the detector again on every masked video frame; report and re-mask what it still finds.")
    var verify = false

    @Flag(help: "If detection fails on a video frame, mask the whole frame instead of stopping.")
    var maskFrameOnFailure = false

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Flag(
        help:
            "Keep harmless metadata (camera, exposure, dates); never GPS, thumbnails, serials or device names in video."
    )
    var keepMetadata = false

    @Option(help: "Write a JSON report (settings, SHA-256 of every input and output, counts, timings; see README).")
    var report: String?

    @Option(help: "Still images processed at once.")
    var jobs: Int = 1

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    var videoSettings: VideoSettings {
        var settings = VideoSettings()
        videoDetection.apply(to: &settings)
        settings.verifies = verify
        settings.masksWholeFrameOnDetectionFailure = maskFrameOnFailure
        settings.output = encoding.output(keepsMetadata: keepMetadata)
        return settings
    }

    func run() throws {
        let progress = ProgressReporter(mode: progressOptions.mode)
        var settings = masks.settings
        settings.targets = detection.targets.classes
        settings.threshold = detection.threshold
        settings.quality = quality
        settings.keepsMetadata = keepMetadata
        do {
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let outputURL = URL(fileURLWithPath: output)
        let plan = BatchPlan.make(inputs: inputs.map { URL(fileURLWithPath: $0) }, output: outputURL)
        let hasImages = plan.jobs.contains { $0.kind != .video }
        let hasVideos = plan.jobs.contains { $0.kind == .video }
        let video = videoSettings
        let imageDetector: (any ObjectDetector)?
        let videoDetectors: [VideoAnonymizer.ClassDetector]
        do {
            imageDetector = hasImages ? try detection.makeDetector(profile: stills.profile) : nil
            videoDetectors = hasVideos ? try detection.videoDetectors(video) : []
        } catch {
            throw CommandFailure("\(error)")
        }
        let videoDetector: (any ObjectDetector)? =
            videoDetectors.isEmpty ? nil : EnsembleDetector(members: videoDetectors.map(\.detector))
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation, reporter: progress)
        defer { interrupt.restore() }
        let runner = BatchRunner(
            images: imageDetector.map { ImageAnonymizer(detector: $0, settings: settings) },
            videos: videoDetectors.isEmpty
                ? nil : VideoAnonymizer(detectors: videoDetectors, settings: settings, video: video),
            concurrency: jobs,
            cancellation: cancellation
        )
        progress.start(command: "anonymize", inputs: plan.jobs.count + plan.errors.count)
        let started = Date()
        for failure in plan.errors { progress.error(path: nil, failure.error.description) }
        let total = plan.jobs.count
        let results = runner.run(
            plan.jobs,
            videoProgress: { job, state in progress.video(job.relativePath, state) },
            finished: { result in
                // Each failure is told when it happens; one stopped by Ctrl-C is not a failure.
                if case .failure(let error) = result.outcome {
                    if case .cancelled = error, interrupt.exitCode != nil { return }
                    progress.error(path: result.job.relativePath, error.description)
                }
                progress.fileFinished(
                    path: result.job.relativePath, succeeded: (try? result.outcome.get()) != nil, total: total)
            }
        )
        progress.clearLine()
        let document = BatchReport(
            version: Veil.version,
            detector: imageDetector ?? videoDetector ?? EnsembleDetector(members: []),
            videoDetector: imageDetector == nil ? nil : videoDetector,
            settings: settings,
            videoSettings: hasVideos ? video : nil,
            imageSettings: hasImages ? BatchReport.ImageSettings(quality: quality, profile: stills.profile) : nil,
            results: results,
            planningErrors: plan.errors,
            outputRoot: outputURL,
            elapsedSeconds: Date().timeIntervalSince(started)
        )
        if let report {
            do {
                try document.jsonData().write(to: URL(fileURLWithPath: report), options: .atomic)
            } catch {
                throw CommandFailure("cannot write report \(report): \(error.localizedDescription)")
            }
        }
        if let interrupted = interrupt.exitCode { throw interrupted }
        let totals = document.totals
        let status: ExitStatus = totals.failed > 0 ? .someFailed : .done
        progress.done(
            exitCode: status.rawValue,
            summary:
                "\(totals.succeeded) file(s) anonymized, \(totals.detections.total) detection(s), \(totals.failed) failed → \(output)",
            fields: [
                "succeeded": totals.succeeded, "failed": totals.failed,
                "detections": totals.detections.values.reduce(into: [String: Int]()) { $0[$1.key.rawValue] = $1.value },
                "tracks": totals.tracks.values.reduce(into: [String: Int]()) { $0[$1.key.rawValue] = $1.value },
                "elapsedSeconds": (document.elapsedSeconds * 10).rounded() / 10,
            ]
        )
        if status != .done { throw status }
    }
}

/// A failure the CLI reports as one line and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
