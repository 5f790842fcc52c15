import ArgumentParser
import Foundation
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilPipeline

struct AnonymizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymize",
        abstract: "Mask faces and licence plates in images, videos and directories of them.",
        discussion: """
            Images: EXIF orientation is applied and outputs carry no metadata (EXIF, GPS, XMP, \
            IPTC, comments, thumbnails) unless --keep-metadata, which still drops GPS, \
            thumbnails and serial numbers. Damaged or truncated photos are refused unless \
            --allow-damaged. Videos: every frame is detected, tracked and masked; audio is copied \
            untouched (--audio drop leaves it out); subtitle, data, timecode and attachment \
            streams are dropped (--keep-subtitles keeps subtitles); frame count, timestamps and \
            rotation are kept; location and device metadata are stripped. Inputs are never \
            modified; outputs appear only when complete (Ctrl-C leaves nothing behind).

            Exit status: 0 every input anonymized; 1 some inputs failed (the others were written); \
            2 usage error or refused before any work (two inputs with one output, an output that \
            is an input, a file-like -o for a folder, an unusable --report or output folder); \
            130/143 interrupted by SIGINT/SIGTERM.
            """
    )

    @Argument(help: "Image or video files, or directories (searched recursively).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file, or directory mirroring the inputs.")
    var output: String

    @OptionGroup var processing: ProcessingOptions

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Option(
        help:
            "Write a JSON report (settings, SHA-256 of every input and output, counts, timings, streams left out; see README) to this file, or to stdout with '-'."
    )
    var report: String?

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func run() throws {
        let progress = ProgressReporter(mode: progressOptions.mode)
        var settings = processing.settings
        do {
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let inputURLs = inputs.map { URL(fileURLWithPath: $0) }
        let outputURL = URL(fileURLWithPath: output)
        // Every check that can refuse the run (exit 2) happens here, before any model loads or
        // file is written.
        let reportTarget = try ReportTarget(report)
        if let problem = BatchPlan.outputShapeProblem(inputs: inputURLs, output: outputURL) {
            throw Refusal(problem)
        }
        let plan = BatchPlan.make(inputs: inputURLs, output: outputURL)
        let conflicts = BatchPlan.conflicts(in: plan.jobs, extraOutputs: reportTarget.file.map { [$0] } ?? [])
        if !conflicts.isEmpty {
            throw Refusal(["\(conflicts.count) output conflict(s); nothing was written:"] + conflicts)
        }
        if BatchPlan.writesIntoFolder(inputs: inputURLs, output: outputURL), !plan.jobs.isEmpty {
            do throws(PipelineError) {
                try BatchPlan.prepareOutputDirectory(outputURL)
            } catch {
                throw Refusal(error.description)
            }
        } else if let problem = BatchPlan.unwritableFolderProblem(outputURL.deletingLastPathComponent()) {
            throw Refusal(problem)
        }
        let hasImages = plan.jobs.contains { $0.kind != .video }
        let hasVideos = plan.jobs.contains { $0.kind == .video }
        let video = processing.videoSettings
        let imageDetector: (any ObjectDetector)?
        let videoDetectors: [VideoAnonymizer.ClassDetector]
        do {
            imageDetector = hasImages ? try processing.detection.makeDetector(profile: processing.stills.profile) : nil
            videoDetectors = hasVideos ? try processing.detection.videoDetectors(video) : []
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
            concurrency: processing.stillJobs,
            cancellation: cancellation
        )
        progress.start(command: "anonymize", inputs: plan.jobs.count + plan.errors.count)
        removeLeftovers(jobs: plan.jobs, report: reportTarget, progress: progress)
        let started = Date()
        for failure in plan.errors { progress.error(path: nil, failure.error.description) }
        let total = plan.jobs.count
        let results = runner.run(
            plan.jobs,
            videoProgress: { job, state in progress.video(job.relativePath, state) },
            finished: { result in
                // Each failure is told when it happens; one stopped by Ctrl-C is not a failure.
                switch result.outcome {
                case .failure(let error):
                    if case .cancelled = error, interrupt.exitCode != nil { return }
                    var message = error.description
                    if case .media(.damaged) = error { message += " (--allow-damaged processes what decodes)" }
                    progress.error(path: result.job.relativePath, message)
                case .success(let outcome):
                    warnAbout(outcome, of: result.job, progress: progress)
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
            imageSettings: hasImages
                ? BatchReport.ImageSettings(quality: processing.quality, profile: processing.stills.profile) : nil,
            results: results,
            planningErrors: plan.errors,
            outputRoot: outputURL,
            elapsedSeconds: Date().timeIntervalSince(started)
        )
        try reportTarget.write { try document.jsonData() }
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

    /// What a file's output lacks: damage processed on request, streams left out (the report
    /// lists both too).
    private func warnAbout(_ outcome: MediaOutcome, of job: BatchJob, progress: ProgressReporter) {
        switch outcome {
        case .image(let image):
            if let damage = image.damage {
                progress.notice(
                    .warning, path: job.relativePath, "damaged (\(damage)); only what decoded was anonymized")
            }
        case .video(let video):
            if !video.droppedStreams.isEmpty {
                let streams = video.droppedStreams.map { "#\($0.index) \($0.type) (\($0.codec))" }
                progress.notice(.note, path: job.relativePath, "left out \(streams.joined(separator: ", "))")
            }
        }
    }

    /// Removes the temporary files that killed runs left in the folders this run writes to.
    private func removeLeftovers(jobs: [BatchJob], report: ReportTarget, progress: ProgressReporter) {
        let folders = Set(jobs.map { $0.output.deletingLastPathComponent().standardizedFileURL.path })
            .union(report.file.map { [$0.deletingLastPathComponent().standardizedFileURL.path] } ?? [])
        for folder in folders.sorted() {
            let removed = AtomicFile.removeLeftovers(in: URL(fileURLWithPath: folder))
            if !removed.isEmpty {
                progress.notice(
                    .note, path: nil, "removed \(removed.count) temporary file(s) an interrupted run left in \(folder)")
            }
        }
    }
}

/// A failure the CLI reports as one line and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
