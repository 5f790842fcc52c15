import ArgumentParser
import Foundation
import VeilDetection
import VeilPipeline
import VeilTracking
import VeilVideo

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect and track faces and plates in a video and write a tracks file; no video is written.",
        discussion: """
            Review and edit the tracks file (drop a track, move a box), then render it with \
            `veil render`. The file records the video's SHA-256 so it cannot be applied to other media.

            Exit status: 0 done, 1 failed, 2 usage error, 130/143 interrupted.
            """
    )

    @Argument(help: "The video.")
    var input: String

    @Option(help: "Where to write the tracks file (JSON).")
    var tracks: String

    @OptionGroup(title: "Detection") var detection: DetectorOptions

    @OptionGroup(title: "Video detection") var videoDetection: VideoDetectionOptions

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func run() throws {
        let progress = ProgressReporter(mode: progressOptions.mode)
        let (file, frames) = try Self.writeTracks(
            of: URL(fileURLWithPath: input), to: URL(fileURLWithPath: tracks), detection: detection,
            videoDetection: videoDetection, progress: progress)
        progress.done(
            exitCode: 0,
            summary: "\(file.tracks.count) track(s) over \(frames) frames → \(tracks)",
            fields: ["tracks": file.tracks.count, "frames": frames, "sha256": file.media.sha256]
        )
    }
}

extension DetectCommand {
    /// Detects and tracks, and writes the tracks file: what `veil detect` does, and what
    /// `veil review` runs when a video has no tracks file yet.
    ///
    /// - Returns: the file written and the number of frames read.
    static func writeTracks(
        of url: URL, to tracksURL: URL, detection: DetectorOptions, videoDetection: VideoDetectionOptions,
        progress: ProgressReporter
    ) throws -> (file: TracksFile, frames: Int) {
        let tracks = tracksURL.path
        var settings = VideoSettings()
        videoDetection.apply(to: &settings)
        var anonymization = AnonymizationSettings()
        anonymization.targets = detection.targets.classes
        anonymization.threshold = detection.threshold
        let detectors: [VideoAnonymizer.ClassDetector]
        do {
            detectors = try detection.videoDetectors(settings)
        } catch {
            throw CommandFailure("\(error)")
        }
        let anonymizer = VideoAnonymizer(detectors: detectors, settings: anonymization, video: settings)
        let faces = detectors.first { $0.objectClass == .face }
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation, reporter: progress)
        defer { interrupt.restore() }
        progress.start(command: "detect", inputs: 1)
        let result: (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo)
        do {
            result = try anonymizer.detectPlans(input: url, cancellation: cancellation) {
                progress.video(url.lastPathComponent, $0)
            }
        } catch {
            progress.clearLine()
            if let interrupted = interrupt.exitCode { throw interrupted }
            throw CommandFailure("\(error)")
        }
        progress.clearLine()
        let strides = result.outcome.detectionStrides
        let file = TracksFile(
            media: try TracksFile.media(of: url, info: result.info, frames: result.outcome.frames),
            provenance: TracksFile.Provenance(
                tool: "veil \(Veil.version)",
                models: anonymizer.models,
                threshold: detection.threshold,
                targets: detection.targets.classes.sorted(),
                // The strides that ran (scaled to the frame rate unless given as options).
                detectionStride: strides["face"] ?? settings.detectionStride,
                plateDetectionStride: strides["plate"] ?? settings.plateDetectionStride,
                lookAheadSeconds: settings.lookAheadSeconds,
                fullDetectionStride: strides["face-full-size"] ?? strides["face"],
                coarseDetectionSide: faces?.coarse?.detector.workingSide
            ),
            plans: result.plans
        )
        do {
            try file.jsonData().write(to: tracksURL, options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(tracks): \(error.localizedDescription)")
        }
        return (file, result.outcome.frames)
    }
}
