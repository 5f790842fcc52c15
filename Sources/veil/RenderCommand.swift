import ArgumentParser
import Foundation
import VeilMedia
import VeilPipeline

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Mask a video from a tracks file made by `veil detect` (no detection runs).",
        discussion: """
            Refuses a tracks file made for different media. With the same mask options the \
            output matches `veil anonymize` (layered masks differ only in their random noise).
            """
    )

    @Argument(help: "The video the tracks file was made for.")
    var input: String

    @Option(help: "The tracks file.")
    var tracks: String

    @Option(name: .shortAndLong, help: "Output video.")
    var output: String

    @OptionGroup(title: "Masks") var detection: DetectionOptions

    @OptionGroup(title: "Video") var video: VideoOptions

    @OptionGroup(title: "Video streams") var streams: StreamOptions

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Option(help: "Leave this track (ID from the tracks file) unmasked, e.g. a person who consented; repeatable.")
    var excludeTrack: [Int] = []

    @Flag(help: "Keep harmless container metadata (title, language); never location or device names.")
    var keepMetadata = false

    @Option(help: "Write a JSON report to this file, or to stdout with '-'.")
    var report: String?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func run() throws {
        let inputURL = URL(fileURLWithPath: input)
        let reportTarget: ReportTarget
        do {
            reportTarget = try ReportTarget(report)
        } catch {
            throw error.exit()
        }
        AtomicFile.removeLeftovers(in: URL(fileURLWithPath: output).deletingLastPathComponent())
        let file: TracksFile
        var settings = detection.settings
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
        let anonymizer = VideoAnonymizer(
            detectors: [], settings: settings, video: streams.applied(to: video.settings(keepsMetadata: keepMetadata)))
        let progress = ProgressReporter(mode: quiet ? .silent : .terminal)
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation)
        defer { interrupt.restore() }
        let outcome: VideoOutcome
        do {
            outcome = try anonymizer.render(
                input: inputURL,
                output: URL(fileURLWithPath: output),
                plans: file.plansByFrame,
                cancellation: cancellation
            ) { progress.video(inputURL.lastPathComponent, $0) }
        } catch {
            progress.finish()
            if let status = interrupt.exitStatus { throw ExitCode(status) }
            throw CommandFailure("\(error)")
        }
        progress.finish()
        if reportTarget.isWanted {
            let document = RenderReport(
                tool: "veil \(Veil.version)",
                tracksFile: URL(fileURLWithPath: tracks).lastPathComponent,
                mediaSHA256: file.media.sha256,
                mask: settings.masker.style.rawValue,
                excludedTrackIDs: excludeTrack.sorted(),
                manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
                exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
                video: outcome
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportTarget.write { try encoder.encode(document) }
        }
        if !quiet {
            FileHandle.standardError.write(
                Data("\(outcome.frames) frames rendered, \(outcome.excludedBoxes) box(es) excluded → \(output)\n".utf8)
            )
        }
    }
}

/// What `veil render --report` writes: what was excluded and why (the user's labels), and the
/// run's counts. No boxes, no pixels.
struct RenderReport: Encodable {
    var tool: String
    var tracksFile: String
    var mediaSHA256: String
    var mask: String
    var excludedTrackIDs: [Int]
    var manualRegionLabels: [String]
    var exclusionLabels: [String]
    var video: VideoOutcome
}
