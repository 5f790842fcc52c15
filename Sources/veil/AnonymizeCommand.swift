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
            rotation are kept; location and device metadata are stripped. Inputs are never modified; outputs \
            appear only when complete (Ctrl-C leaves nothing behind).

            Exit status: 0 every input anonymized; 1 some inputs failed (the others were written); \
            2 refused before any work (two inputs with one output, an output that is an input, a \
            file-like -o for a folder, an unusable --report or output folder); 130/143 interrupted \
            by SIGINT/SIGTERM.
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

    @OptionGroup(title: "Video streams") var streams: StreamOptions

    @Option(
        help:
            "Write a JSON report (counts, timings, model hashes, streams left out; no personal data) to this file, or to stdout with '-'."
    )
    var report: String?

    @Flag(
        help:
            "Anonymize what decodes of a damaged or truncated photo instead of refusing it (the report flags it; a face in the damaged part is not seen)."
    )
    var allowDamaged = false

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
        settings.acceptsDamagedImages = allowDamaged
        do {
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let inputURLs = inputs.map { URL(fileURLWithPath: $0) }
        let outputURL = URL(fileURLWithPath: output)
        // Every check that can refuse the run happens here, before any model loads or file is written.
        let reportTarget: ReportTarget
        let plan: (jobs: [BatchJob], errors: [(path: String, error: PipelineError)])
        do {
            reportTarget = try ReportTarget(report)
            if let problem = BatchPlan.outputShapeProblem(inputs: inputURLs, output: outputURL) {
                throw Refusal(problem)
            }
            plan = BatchPlan.make(inputs: inputURLs, output: outputURL)
            let conflicts = BatchPlan.conflicts(in: plan.jobs, extraOutputs: reportTarget.file.map { [$0] } ?? [])
            if !conflicts.isEmpty {
                throw Refusal(
                    ["\(conflicts.count) output conflict(s); nothing was written:"] + conflicts)
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
        } catch let refusal as Refusal {
            throw refusal.exit()
        }
        removeLeftovers(jobs: plan.jobs, report: reportTarget)
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
                    video: streams.applied(to: video.settings(keepsMetadata: keepMetadata))
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
            case .success(let outcome):
                masked += outcome.counts.values.reduce(0, +)
                if !quiet, !jsonProgress { warnAbout(outcome, of: result.job) }
            case .failure(let error):
                failed += 1
                var line = "error: \(result.job.relativePath): \(error)"
                if case .media(.damaged) = error { line += " (--allow-damaged processes what decodes)" }
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
        let document = BatchReport(
            version: Veil.version,
            detector: imageDetector ?? videoDetector ?? EnsembleDetector(members: []),
            videoDetector: imageDetector == nil ? nil : videoDetector,
            settings: settings,
            results: results,
            planningErrors: plan.errors,
            elapsedSeconds: Date().timeIntervalSince(started)
        )
        try reportTarget.write { try document.jsonData() }
        if !quiet {
            let succeeded = results.count - (failed - plan.errors.count)
            FileHandle.standardError.write(
                Data("\(succeeded) file(s) anonymized, \(masked) detection(s), \(failed) failed → \(output)\n".utf8)
            )
        }
        if let status = interrupt.exitStatus { throw ExitCode(status) }
        if failed > 0 { throw ExitCode(1) }
    }

    /// One line on stderr for what a file's output lacks: damage processed on request, streams
    /// left out. Not in JSON progress mode, whose stderr is for JSON; the report lists both.
    private func warnAbout(_ outcome: MediaOutcome, of job: BatchJob) {
        var lines: [String] = []
        switch outcome {
        case .image(let image):
            if let damage = image.damage {
                lines.append("warning: \(job.relativePath): damaged (\(damage)); only what decoded was anonymized")
            }
        case .video(let video):
            if !video.droppedStreams.isEmpty {
                let streams = video.droppedStreams.map { "#\($0.index) \($0.type) (\($0.codec))" }
                lines.append("note: \(job.relativePath): left out \(streams.joined(separator: ", "))")
            }
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Removes the temporary files that killed runs left in the folders this run writes to.
    private func removeLeftovers(jobs: [BatchJob], report: ReportTarget) {
        let folders = Set(jobs.map { $0.output.deletingLastPathComponent().standardizedFileURL.path })
            .union(report.file.map { [$0.deletingLastPathComponent().standardizedFileURL.path] } ?? [])
        for folder in folders.sorted() {
            let removed = AtomicFile.removeLeftovers(in: URL(fileURLWithPath: folder))
            if !removed.isEmpty, !quiet, !jsonProgress {
                FileHandle.standardError.write(
                    Data("note: removed \(removed.count) temporary file(s) an interrupted run left in \(folder)\n".utf8)
                )
            }
        }
    }
}

/// A failure the CLI reports as one line and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
