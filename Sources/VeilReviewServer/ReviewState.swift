import Foundation
import VeilMedia
import VeilPipeline
import VeilReview

/// The one owner of the review in progress: every edit, undo, redo and export goes through
/// this actor, and each accepted entry is appended to the log file (and synced) before the
/// answer leaves, so a crash loses nothing that the page was told was saved.
actor ReviewState {
    private var session: ReviewSession
    private let configuration: ReviewServer.Configuration
    private let media: ReviewProject.Media
    private var isExporting = false

    init(session: ReviewSession, configuration: ReviewServer.Configuration, media: ReviewProject.Media) {
        self.session = session
        self.configuration = configuration
        self.media = media
    }

    /// The review as the page sees it.
    var project: ReviewProject { ReviewProject(session: session, media: media) }

    /// Applies a reviewer's decision and logs it.
    func perform(_ request: EditRequest) throws -> ReviewProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        if case .restoreTracks = request.what {
            throw ReviewError.malformedEntry("restoreTracks is written by undo only, not as a decision")
        }
        if case .allowUnreviewedExport = request.what {
            throw ReviewError.malformedEntry("an export override is made by POST /api/export with allowUnreviewed")
        }
        try commit { session in try session.perform(request.what, by: request.who, because: request.why) }
        return project
    }

    /// Undoes the latest decision and logs the inverse.
    func undo(by reviewer: String) throws -> ReviewProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        try commit { session in try session.undo(by: reviewer) }
        return project
    }

    /// Applies the latest undone decision again and logs it.
    func redo(by reviewer: String) throws -> ReviewProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        try commit { session in try session.redo(by: reviewer) }
        return project
    }

    /// Changes a copy of the session, appends the new entry to the log file, then keeps the
    /// copy: the file and the state never disagree.
    private func commit(_ change: (inout ReviewSession) throws -> EditLogEntry) throws {
        var copy = session
        let entry = try change(&copy)
        try EditLog.append([entry], to: configuration.logURL)
        session = copy
    }

    /// Compiles the log and renders it through ``ReviewedRender`` (the function behind
    /// `veil render --edits`), then writes the report beside the output.
    func export(by reviewer: String, allowingUnreviewed: Bool) async throws -> ExportResult {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        let unreviewed = session.document.unreviewedTrackIDs
        if !unreviewed.isEmpty, !session.isUnreviewedExportAllowed {
            guard allowingUnreviewed else { throw ReviewServerError.unreviewedTracks(unreviewed) }
            try commit { session in
                try session.perform(
                    .allowUnreviewedExport(tracks: unreviewed), by: reviewer,
                    because: "export allowed with unreviewed tracks")
            }
        }
        isExporting = true
        defer { isExporting = false }
        let render = ReviewedRender(
            input: configuration.input, tracks: configuration.tracksURL, edits: configuration.logURL,
            output: configuration.output, settings: configuration.settings, video: configuration.video)
        let reportURL = configuration.reportURL
        let version = configuration.version
        return try await Self.runBlocking {
            let prepared: ReviewedRender.Prepared
            do {
                prepared = try render.prepare()
            } catch {
                throw ReviewServerError.exportFailed("\(error)")
            }
            let report: RenderReport
            do {
                report = try render.run(prepared, version: version)
            } catch {
                throw ReviewServerError.exportFailed("\(error)")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try AtomicFile.write(try encoder.encode(report), to: reportURL)
            } catch {
                throw ReviewServerError.exportFailed("cannot write the report \(reportURL.path): \(error)")
            }
            return ExportResult(
                output: render.output.path, report: reportURL.path, outputSHA256: report.outputSHA256)
        }
    }

    /// Runs blocking work (decoding, encoding) on a thread of its own, not on the cooperative
    /// pool that answers requests.
    static func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
