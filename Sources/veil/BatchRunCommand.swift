import ArgumentParser
import Foundation
import VeilBatch
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilPipeline

/// `veil batch MANIFEST -o OUT`: one shard, through the same library calls as `anonymize`.
struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Anonymize this process's shard of a manifest (the default: `veil batch MANIFEST ...`).",
        discussion: """
            The manifest holds one input per line (relative paths resolve against its folder), or \
            JSON objects {"input": ..., "output": ..., "options": {"quality", "targets", \
            "threshold", "keepMetadata", "allowDamaged"}}. Outputs mirror the inputs under -o as in \
            anonymize; collisions are refused before any work. Each finished item leaves a \
            done-record in OUT/.veil-batch/done; the shard's report is \
            OUT/.veil-batch/reports/shard-K-of-N.jsonl.

            Exit status: 0 every item of the shard done or skipped; 1 some items failed; 2 usage \
            error (shard index or count missing or out of range, bad manifest, output \
            collisions); 130/143 interrupted (rerun to resume).
            """
    )

    @Argument(help: "The manifest: one input path per line, or JSON Lines.")
    var manifest: String

    @Option(name: .shortAndLong, help: "Output folder (mirrors the inputs; shared by all shards).")
    var output: String

    @Option(help: "Number of shards (default: SLURM_ARRAY_TASK_COUNT; without any shard setting, 1).")
    var shards: Int?

    @Option(help: "This shard, 0…shards-1 (default: SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX).")
    var shard: Int?

    @OptionGroup var processing: ProcessingOptions

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func run() throws {
        let progress = ProgressReporter(mode: progressOptions.mode)
        // Every refusal (exit 2) comes before any model loads or file is written.
        let selection: ShardSelection
        let plan: BatchManifest
        let outputURL = URL(fileURLWithPath: output)
        do throws(BatchError) {
            selection = try ShardSelection.resolve(
                index: shard, count: shards, environment: ProcessInfo.processInfo.environment)
            plan = try BatchManifest(contentsOf: URL(fileURLWithPath: manifest), outputRoot: outputURL)
        } catch {
            throw Refusal(error.description)
        }
        let conflicts = plan.conflicts
        if !conflicts.isEmpty {
            throw Refusal(["\(conflicts.count) output conflict(s) in the manifest; nothing was written:"] + conflicts)
        }
        do throws(PipelineError) {
            try BatchPlan.prepareOutputDirectory(outputURL)
        } catch {
            throw Refusal(error.description)
        }
        let items = plan.items(of: selection)
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation, reporter: progress)
        defer { interrupt.restore() }
        let run = ShardRun(
            manifest: plan, shard: selection, layout: BatchLayout(outputRoot: outputURL), veilVersion: Veil.version)
        progress.start(command: "batch", inputs: items.count)
        let summary: ShardRun.Summary
        do {
            summary = try run.run(
                engine: { options, kinds in try engine(options: options, kinds: kinds, cancellation: cancellation) },
                finished: { line in
                    if line.status == ShardReportLine.failed {
                        progress.error(path: line.input, line.error ?? "failed")
                    }
                    progress.fileFinished(
                        path: line.input ?? "?", succeeded: line.status != ShardReportLine.failed, total: items.count)
                })
        } catch let error as BatchError {
            throw CommandFailure(error.description)
        } catch {
            throw CommandFailure("\(error)")
        }
        if let interrupted = interrupt.exitCode { throw interrupted }
        let status: ExitStatus = summary.failures.isEmpty ? .done : .someFailed
        progress.done(
            exitCode: status.rawValue,
            summary:
                "shard \(selection.index) of \(selection.count): \(summary.done) done, \(summary.skipped) skipped "
                + "(done before), \(summary.failures.count) failed → \(output)",
            fields: [
                "shard": selection.index, "shards": selection.count, "done": summary.done,
                "skipped": summary.skipped, "failed": summary.failures.count,
            ]
        )
        if status != .done { throw status }
    }

    /// The anonymizers for items with `options`, built exactly as `anonymize` builds them; models
    /// load only for the kinds present.
    private func engine(options: ItemOptions, kinds: Set<MediaKind>, cancellation: CancellationFlag) throws
        -> ShardEngine
    {
        let settings = options.applied(to: processing.settings)
        let video = processing.videoSettings
        let detection = processing.detection
        let hasImages = kinds.contains(.image)
        let hasVideos = kinds.contains(.video)
        let imageDetector: (any ObjectDetector)? =
            hasImages
            ? try detection.detector.makeDetector(
                targets: settings.targets, threshold: settings.threshold, profile: processing.stills.profile,
                store: detection.store, options: detection.inference, plateModel: detection.plateModelURL,
                faceModel: detection.faceModelURL) : nil
        let videoDetectors: [VideoAnonymizer.ClassDetector] =
            hasVideos
            ? try video.detectors(
                targets: settings.targets, choice: detection.detector, threshold: settings.threshold,
                store: detection.store, options: detection.inference, plateModel: detection.plateModelURL,
                faceModel: detection.faceModelURL) : []
        let videoDetector: (any ObjectDetector)? =
            videoDetectors.isEmpty ? nil : EnsembleDetector(members: videoDetectors.map(\.detector))
        let imageSettings = BatchReport.ImageSettings(quality: settings.quality, profile: processing.stills.profile)
        func fingerprint(_ detector: (any ObjectDetector)?, isVideo: Bool) throws -> SettingsFingerprint? {
            guard let detector else { return nil }
            // The report's own settings block: whatever the report says shaped an output is
            // what the hash covers.
            let described = BatchReport(
                version: Veil.version, detector: detector, settings: settings,
                videoSettings: isVideo ? video : nil, imageSettings: isVideo ? nil : imageSettings,
                results: [], planningErrors: [], elapsedSeconds: 0)
            return try SettingsFingerprint(
                settings: described.settings, models: described.models, veilVersion: Veil.version)
        }
        return ShardEngine(
            runner: BatchRunner(
                images: imageDetector.map { ImageAnonymizer(detector: $0, settings: settings) },
                videos: videoDetectors.isEmpty
                    ? nil : VideoAnonymizer(detectors: videoDetectors, settings: settings, video: video),
                concurrency: processing.stillJobs,
                cancellation: cancellation
            ),
            imageFingerprint: try fingerprint(imageDetector, isVideo: false),
            videoFingerprint: try fingerprint(videoDetector, isVideo: true)
        )
    }
}
