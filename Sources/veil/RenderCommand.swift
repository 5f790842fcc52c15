import ArgumentParser
import Foundation
import VeilMedia
import VeilPipeline
import VeilVideo

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Mask a video from a tracks file made by `veil detect` (no detection runs).",
        discussion: """
            Refuses a tracks file made for different media. With the same mask options the \
            output matches `veil anonymize` (layered masks differ only in their random noise).

            Exit status: 0 done, 1 failed, 2 usage error, 130/143 interrupted.
            """
    )

    @Argument(help: "The video the tracks file was made for.")
    var input: String

    @Option(help: "The tracks file.")
    var tracks: String

    @Option(name: .shortAndLong, help: "Output video.")
    var output: String

    @OptionGroup(title: "Masks") var masks: MaskOptions

    @OptionGroup(title: "Video encoding") var encoding: VideoEncodingOptions

    @OptionGroup(title: "Video streams") var streams: StreamOptions

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Option(help: "Leave this track (ID from the tracks file) unmasked, e.g. a person who consented; repeatable.")
    var excludeTrack: [Int] = []

    @Flag(help: "Keep harmless container metadata (title, language); never location or device names.")
    var keepMetadata = false

    @Option(
        help:
            "Write a JSON report (what was excluded and why, SHA-256 of input and output, counts) to this file, or to stdout with '-'."
    )
    var report: String?

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func run() throws {
        let inputURL = URL(fileURLWithPath: input)
        // Refused (exit 2) before any work when the report could not be written.
        let reportTarget = try ReportTarget(report)
        AtomicFile.removeLeftovers(in: URL(fileURLWithPath: output).deletingLastPathComponent())
        let file: TracksFile
        var settings = masks.settings
        do {
            file = try TracksFile.load(from: URL(fileURLWithPath: tracks))
            try file.verify(mediaAt: inputURL)
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let known = Set(file.tracks.map(\.id))
        if let unknown = excludeTrack.first(where: { !known.contains($0) }) {
            throw CommandFailure("--exclude-track \(unknown): no such track in \(tracks)")
        }
        settings.excludedTrackIDs = Set(excludeTrack)
        var video = VideoSettings()
        video.output = encoding.output(keepsMetadata: keepMetadata)
        video = streams.applied(to: video)
        let anonymizer = VideoAnonymizer(detectors: [], settings: settings, video: video)
        let progress = ProgressReporter(mode: progressOptions.mode)
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation, reporter: progress)
        defer { interrupt.restore() }
        progress.start(command: "render", inputs: 1)
        let outcome: VideoOutcome
        do {
            outcome = try anonymizer.render(
                input: inputURL,
                output: URL(fileURLWithPath: output),
                plans: file.plansByFrame,
                cancellation: cancellation
            ) { progress.video(inputURL.lastPathComponent, $0) }
        } catch {
            progress.clearLine()
            if let interrupted = interrupt.exitCode { throw interrupted }
            throw CommandFailure("\(error)")
        }
        progress.clearLine()
        if reportTarget.isWanted {
            let document = RenderReport(
                version: Veil.version,
                tracksFile: URL(fileURLWithPath: tracks).lastPathComponent,
                mediaSHA256: file.media.sha256,
                outputSHA256: outcome.outputSHA256,
                mask: settings.masker.style.rawValue,
                encoding: RenderReport.Encoding(video.output),
                excludedTrackIDs: excludeTrack.sorted(),
                manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
                exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
                video: outcome
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportTarget.write { try encoder.encode(document) }
        }
        progress.done(
            exitCode: 0,
            summary: "\(outcome.frames) frames rendered, \(outcome.excludedBoxes) box(es) excluded → \(output)",
            fields: [
                "frames": outcome.frames, "excludedBoxes": outcome.excludedBoxes,
                "outputSHA256": outcome.outputSHA256 ?? "",
            ]
        )
    }
}

/// What `veil render --report` writes: what was excluded and why (the user's labels), the
/// SHA-256 of input and output, the encoding, and the run's counts. No boxes, no pixels.
struct RenderReport: Encodable {
    var schema = "veil-render-report"
    var schemaVersion = 2
    var tool = "veil"
    var version: String
    var tracksFile: String
    /// The input's SHA-256, as recorded in the tracks file and verified before rendering.
    var mediaSHA256: String
    var outputSHA256: String?
    var mask: String
    /// How the output was encoded (detection settings are in the tracks file's provenance).
    var encoding: Encoding
    var excludedTrackIDs: [Int]
    var manualRegionLabels: [String]
    var exclusionLabels: [String]
    var video: VideoOutcome

    struct Encoding: Encodable {
        var codec: String
        var crf: Int
        var preset: String
        var keepsHarmlessMetadata: Bool

        init(_ options: VideoOutputOptions) {
            codec = options.codec.rawValue
            crf = options.effectiveCRF
            preset = options.preset.rawValue
            keepsHarmlessMetadata = options.keepsHarmlessMetadata
        }
    }
}
