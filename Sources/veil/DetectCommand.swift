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
            """
    )

    @Argument(help: "The video.")
    var input: String

    @Option(help: "Where to write the tracks file (JSON).")
    var tracks: String

    @OptionGroup(title: "Detection") var detection: DetectionOptions

    @OptionGroup(title: "Video") var video: VideoOptions

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func run() throws {
        let url = URL(fileURLWithPath: input)
        let detectors = try video.detectors(detection)
        let anonymizer = VideoAnonymizer(
            detectors: detectors,
            settings: detection.settings,
            video: video.settings(keepsMetadata: false)
        )
        let faces = detectors.first { $0.objectClass == .face }
        let progress = ProgressReporter(mode: quiet ? .silent : .terminal)
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation)
        defer { interrupt.restore() }
        let result: (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo)
        do {
            result = try anonymizer.detectPlans(input: url, cancellation: cancellation) {
                progress.video(url.lastPathComponent, $0)
            }
        } catch {
            progress.finish()
            throw CommandFailure("\(error)")
        }
        progress.finish()
        let settings = video.settings(keepsMetadata: false)
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
            try file.jsonData().write(to: URL(fileURLWithPath: tracks), options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(tracks): \(error.localizedDescription)")
        }
        if !quiet {
            FileHandle.standardError.write(
                Data("\(file.tracks.count) track(s) over \(result.outcome.frames) frames → \(tracks)\n".utf8)
            )
        }
    }
}
