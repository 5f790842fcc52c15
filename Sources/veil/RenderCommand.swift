import ArgumentParser
import Foundation
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview
import VeilVideo

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Mask a video from a tracks file made by `veil detect` (no detection runs).",
        discussion: """
            Refuses a tracks file made for different media. With the same mask options the \
            output matches `veil anonymize` (layered masks differ only in their random noise). \
            With --edits, a review's decision log is replayed onto the tracks file first \
            (docs/REVIEW.md).

            Exit status: 0 done, 1 failed, 2 usage error, 130/143 interrupted.
            """
    )

    @Argument(help: "The video the tracks file was made for.")
    var input: String

    @Option(help: "The tracks file.")
    var tracks: String

    @Option(name: .shortAndLong, help: "Output video.")
    var output: String

    @Option(
        help: """
            A review's decision log (JSON Lines, e.g. clip.edits.jsonl): its corrections, tracks kept \
            visible and manual regions are rendered. Refused if it was recorded for other media or \
            another tracks file.
            """)
    var edits: String?

    @Flag(help: "With --edits: render although some tracks are not marked reviewed (the report says so).")
    var allowUnreviewed = false

    @OptionGroup(title: "Masks") var maskOptions: MaskOptions

    @OptionGroup(title: "Video encoding") var encoding: VideoEncodingOptions

    @OptionGroup(title: "Video streams") var streams: StreamOptions

    @OptionGroup(title: "Manual regions and exclusions") var regions: RegionOptions

    @Option(help: "Leave this track (ID from the tracks file) unmasked, e.g. a person who consented; repeatable.")
    var excludeTrack: [Int] = []

    @Flag(help: "Keep harmless container metadata (title, language); never location or device names.")
    var keepMetadata = false

    @Option(
        help: "Write a JSON report (with --edits: every decision, its reason, the files' SHA-256s); '-': stdout.")
    var report: String?

    @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

    func validate() throws {
        if allowUnreviewed, edits == nil { throw ValidationError("--allow-unreviewed needs --edits") }
        if edits != nil, !excludeTrack.isEmpty || !regions.exclusions.isEmpty {
            throw ValidationError(
                "with --edits, tracks are kept visible in the log (keepVisible), not with --exclude-track or "
                    + "--exclude-region: every unmasking must be a recorded decision")
        }
    }

    func run() throws {
        let inputURL = URL(fileURLWithPath: input)
        // Refused (exit 2) before any work when the report could not be written.
        let reportTarget = try ReportTarget(report)
        AtomicFile.removeLeftovers(in: URL(fileURLWithPath: output).deletingLastPathComponent())
        let tracksURL = URL(fileURLWithPath: tracks)
        let file: TracksFile
        var settings = maskOptions.settings
        do {
            file = try TracksFile.load(from: tracksURL)
            try file.verify(mediaAt: inputURL)
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        let tracksSHA256 = try? SHA256.hex(ofFileAt: tracksURL)
        var plans = file.plansByFrame
        var masks: [Int: [MaskRegion]] = [:]
        var review: ReviewRecord?
        if let edits {
            guard settings.userRegions.exclusions.isEmpty else {
                throw CommandFailure(
                    "with --edits, exclusions belong in the log (keepVisible); remove them from the regions file")
            }
            let editsURL = URL(fileURLWithPath: edits)
            let document: ReviewDocument
            let entries: [EditLogEntry]
            let session: ReviewSession
            let compiled: CompiledReview
            do {
                document = try ReviewDocument(tracksFile: file)
            } catch {
                throw CommandFailure("tracks \(tracks): \(error)")
            }
            do {
                entries = try EditLog.load(from: editsURL)
            } catch {
                throw CommandFailure("\(error)")
            }
            do {
                session = try ReviewSession.replay(
                    entries, onto: document, mediaSHA256: file.media.sha256,
                    tracksSHA256: tracksSHA256 ?? "unreadable")
            } catch {
                throw CommandFailure("edits log \(editsURL.lastPathComponent): \(error)")
            }
            do {
                compiled = try session.compile(allowingUnreviewed: allowUnreviewed)
            } catch {
                throw CommandFailure("\(error) (--allow-unreviewed)")
            }
            plans = compiled.plansByFrame
            masks = compiled.masksByFrame
            settings.excludedTrackIDs = compiled.excludedTrackIDs
            review = ReviewRecord(
                editsFile: editsURL.lastPathComponent,
                editsSHA256: (try? SHA256.hex(ofFileAt: editsURL)) ?? "unreadable",
                decisions: compiled.decisions,
                visibleTracks: compiled.visibleTracks,
                manualRegionLabels: compiled.regionLabels,
                isVideoReviewed: compiled.isVideoReviewed,
                unreviewedTrackIDs: compiled.unreviewedTrackIDs,
                unreviewedExportAllowed: allowUnreviewed
            )
        } else {
            let known = Set(file.tracks.map(\.id))
            if let unknown = excludeTrack.first(where: { !known.contains($0) }) {
                throw CommandFailure("--exclude-track \(unknown): no such track in \(tracks)")
            }
            settings.excludedTrackIDs = Set(excludeTrack)
        }
        let outputURL = URL(fileURLWithPath: output)
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
                output: outputURL,
                plans: plans,
                masks: masks,
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
                tracksFile: tracksURL.lastPathComponent,
                mediaSHA256: file.media.sha256,
                tracksSHA256: tracksSHA256 ?? "unreadable",
                outputSHA256: outcome.outputSHA256 ?? "unreadable",
                mask: settings.masker.style.rawValue,
                maskTechnique: settings.masker.style.technique,
                encoding: RenderReport.Encoding(video.output),
                excludedTrackIDs: settings.excludedTrackIDs.sorted(),
                manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
                exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
                review: review,
                video: outcome
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportTarget.write { try encoder.encode(document) }
        }
        if let review, !review.unreviewedTrackIDs.isEmpty {
            progress.notice(
                .warning, path: nil,
                "rendered with unreviewed track(s) "
                    + review.unreviewedTrackIDs.map(String.init).joined(separator: ", ") + " (--allow-unreviewed)")
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
/// SHA-256 of every file in and out, the encoding, and the run's counts. No boxes, no pixels.
struct RenderReport: Encodable {
    var schema = "veil-render-report"
    var schemaVersion = 2
    var tool = "veil"
    var version: String
    var tracksFile: String
    /// The input's SHA-256, as recorded in the tracks file and verified before rendering.
    var mediaSHA256: String
    var tracksSHA256: String
    var outputSHA256: String
    var mask: String
    /// The mask's ISO/IEC 20889:2018 classification (`MaskStyle.technique`).
    var maskTechnique: String
    /// How the output was encoded (detection settings are in the tracks file's provenance).
    var encoding: Encoding
    var excludedTrackIDs: [Int]
    var manualRegionLabels: [String]
    var exclusionLabels: [String]
    /// With `--edits`: the decisions rendered.
    var review: ReviewRecord?
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

/// The review behind a render: every decision in log order with who, when, what and why.
struct ReviewRecord: Encodable {
    var editsFile: String
    var editsSHA256: String
    var decisions: [CompiledReview.Decision]
    var visibleTracks: [CompiledReview.VisibleTrack]
    var manualRegionLabels: [String]
    var isVideoReviewed: Bool
    /// Tracks rendered without being marked reviewed (only with `--allow-unreviewed`).
    var unreviewedTrackIDs: [Int]
    var unreviewedExportAllowed: Bool
}
