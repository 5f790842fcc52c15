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

            Photos: given a folder of photos (or one photo), --tracks names the detections file \
            `veil review` made (PHOTOS.detections.json) and --edits its log; each photo is \
            written through the image path (as `veil anonymize`) with the reviewed boxes and \
            regions, into the folder -o (or the file -o for one photo): the same bytes as the \
            review editor's export. A photo that fails is named on stderr; the others are written.

            Exit status: 0 done, 1 failed, 2 usage error, 130/143 interrupted.
            """
    )

    @Argument(help: "The video the tracks file was made for (or a reviewed folder of photos, or one photo).")
    var input: String

    @Option(help: "The tracks file (photos: the detections file, PHOTOS.detections.json).")
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
        if PhotoDetections.isFolder(inputURL) || MediaKind(url: inputURL) == .image {
            try renderPhotos(inputURL)
            return
        }
        // Refused (exit 2) before any work when the report could not be written.
        let reportTarget = try ReportTarget(report)
        AtomicFile.removeLeftovers(in: URL(fileURLWithPath: output).deletingLastPathComponent())
        let tracksURL = URL(fileURLWithPath: tracks)
        let outputURL = URL(fileURLWithPath: output)
        var settings = maskOptions.settings
        do {
            settings.userRegions = try regions.userRegions()
        } catch {
            throw CommandFailure("\(error)")
        }
        var video = VideoSettings()
        video.output = encoding.output(keepsMetadata: keepMetadata)
        video = streams.applied(to: video)
        let progress = ProgressReporter(mode: progressOptions.mode)
        let cancellation = CancellationFlag()
        let interrupt = InterruptHandler(cancellation: cancellation, reporter: progress)
        defer { interrupt.restore() }
        let renderReport: RenderReport
        if let edits {
            // The same function as the review editor's export (one renderer).
            let render = ReviewedRender(
                input: inputURL, tracks: tracksURL, edits: URL(fileURLWithPath: edits), output: outputURL,
                settings: settings, video: video, allowsUnreviewed: allowUnreviewed)
            let prepared: ReviewedRender.Prepared
            do {
                prepared = try render.prepare()
            } catch {
                throw CommandFailure(error.description)
            }
            progress.start(command: "render", inputs: 1)
            do {
                renderReport = try render.run(prepared, version: Veil.version, cancellation: cancellation) {
                    progress.video(inputURL.lastPathComponent, $0)
                }
            } catch {
                progress.clearLine()
                if let interrupted = interrupt.exitCode { throw interrupted }
                throw CommandFailure("\(error)")
            }
        } else {
            let file: TracksFile
            do {
                file = try TracksFile.load(from: tracksURL)
                try file.verify(mediaAt: inputURL)
            } catch {
                throw CommandFailure("\(error)")
            }
            let known = Set(file.tracks.map(\.id))
            if let unknown = excludeTrack.first(where: { !known.contains($0) }) {
                throw CommandFailure("--exclude-track \(unknown): no such track in \(tracks)")
            }
            settings.excludedTrackIDs = Set(excludeTrack)
            let anonymizer = VideoAnonymizer(detectors: [], settings: settings, video: video)
            progress.start(command: "render", inputs: 1)
            let outcome: VideoOutcome
            do {
                outcome = try anonymizer.render(
                    input: inputURL, output: outputURL, plans: file.plansByFrame, cancellation: cancellation
                ) { progress.video(inputURL.lastPathComponent, $0) }
            } catch {
                progress.clearLine()
                if let interrupted = interrupt.exitCode { throw interrupted }
                throw CommandFailure("\(error)")
            }
            renderReport = RenderReport(
                version: Veil.version, tracksFile: tracksURL.lastPathComponent, mediaSHA256: file.media.sha256,
                tracksSHA256: (try? SHA256.hex(ofFileAt: tracksURL)) ?? "unreadable",
                outputSHA256: outcome.outputSHA256 ?? "unreadable", mask: settings.masker.style.rawValue,
                maskTechnique: settings.masker.style.technique,
                encoding: RenderReport.Encoding(video.output), excludedTrackIDs: settings.excludedTrackIDs.sorted(),
                manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
                exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
                review: nil, video: outcome)
        }
        progress.clearLine()
        let outcome = renderReport.video
        if reportTarget.isWanted {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportTarget.write { try encoder.encode(renderReport) }
        }
        if let review = renderReport.review, !review.unreviewedTrackIDs.isEmpty {
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

    /// Replays a review of photos through the image path (``PhotoReviewedRender``, as the
    /// review editor's export).
    private func renderPhotos(_ inputURL: URL) throws {
        guard let edits else {
            throw CommandFailure("photos are rendered from a review: give its log with --edits (PHOTOS.edits.jsonl)")
        }
        guard excludeTrack.isEmpty, regions.exclusions.isEmpty, regions.regions.isEmpty, regions.regionsFile == nil
        else {
            throw CommandFailure("photos keep boxes visible and add regions in the log, not with options")
        }
        let reportTarget = try ReportTarget(report)
        var settings = maskOptions.settings
        settings.keepsMetadata = keepMetadata
        let render = PhotoReviewedRender(
            input: inputURL, detections: URL(fileURLWithPath: tracks), edits: URL(fileURLWithPath: edits),
            output: URL(fileURLWithPath: output, isDirectory: PhotoDetections.isFolder(inputURL)), settings: settings,
            allowsUnreviewed: allowUnreviewed)
        let prepared: PhotoReviewedRender.Prepared
        do {
            prepared = try render.prepare()
        } catch {
            throw CommandFailure(error.description)
        }
        let progress = ProgressReporter(mode: progressOptions.mode)
        progress.start(command: "render", inputs: prepared.photos.count)
        let report = render.run(prepared, version: Veil.version)
        progress.clearLine()
        for photo in report.photos {
            if let error = photo.error { ProgressReporter.printError(error) }
        }
        if reportTarget.isWanted {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try reportTarget.write { try encoder.encode(report) }
        }
        if !report.review.unreviewedPhotos.isEmpty {
            progress.notice(
                .warning, path: nil,
                "rendered with unreviewed photo(s) " + report.review.unreviewedPhotos.prefix(5).joined(separator: ", "))
        }
        let status: ExitStatus = report.failed > 0 ? .someFailed : .done
        progress.done(
            exitCode: status.rawValue,
            summary: "\(report.photos.count - report.failed) photo(s) rendered, \(report.failed) failed → \(output)",
            fields: ["photos": report.photos.count, "failed": report.failed])
        if status != .done { throw status }
    }
}
