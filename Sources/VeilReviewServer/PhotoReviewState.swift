import Foundation
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview

/// The one owner of a review of photos in progress, like ``ReviewState`` for a video: every
/// edit, undo, redo and export goes through it, and each accepted entry is appended to the log
/// file (and synced) before the answer leaves.
actor PhotoReviewState {
    /// The longest side of a photo as served to the page (the page scales boxes to it; the
    /// export always works on the original).
    static let maximumServedSide = 4096

    private var review: PhotoReview
    private let configuration: ReviewServer.Configuration
    private var isExporting = false

    init(review: PhotoReview, configuration: ReviewServer.Configuration) {
        self.review = review
        self.configuration = configuration
    }

    /// The review as the page sees it.
    var project: PhotoProject { PhotoProject(review: review) }

    /// Applies a reviewer's decision to one photo and logs it.
    func perform(_ request: EditRequest) throws -> PhotoProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        guard let photo = request.photo else {
            throw ReviewResponder.BadRequest(message: "this review is of photos: 'photo' must name one (its ID)")
        }
        if case .restoreTracks = request.what {
            throw ReviewError.malformedEntry("restoreTracks is written by undo only, not as a decision")
        }
        if case .allowUnreviewedExport = request.what {
            throw ReviewError.malformedEntry("an export override is made by POST /api/export with allowUnreviewed")
        }
        try commit { review in [try review.perform(request.what, photo: photo, by: request.who, because: request.why)] }
        return project
    }

    /// Undoes one photo's latest decision and logs the inverse.
    func undo(photo: Int?, by reviewer: String) throws -> PhotoProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        guard let photo else { throw ReviewResponder.BadRequest(message: "undo in a review of photos needs 'photo'") }
        try commit { review in [try review.undo(photo: photo, by: reviewer)] }
        return project
    }

    /// Applies one photo's latest undone decision again and logs it.
    func redo(photo: Int?, by reviewer: String) throws -> PhotoProject {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        guard let photo else { throw ReviewResponder.BadRequest(message: "redo in a review of photos needs 'photo'") }
        try commit { review in [try review.redo(photo: photo, by: reviewer)] }
        return project
    }

    /// Changes a copy of the review, appends the new entries to the log file, then keeps the
    /// copy: the file and the state never disagree.
    private func commit(_ change: (inout PhotoReview) throws -> [EditLogEntry]) throws {
        var copy = review
        let entries = try change(&copy)
        if !entries.isEmpty { try EditLog.append(entries, to: configuration.logURL) }
        review = copy
    }

    /// The photo as the page shows it: decoded (orientation applied), as JPEG.
    func photoFile(_ id: Int) throws -> URL {
        guard review.detections.photos.indices.contains(id) else { throw ReviewError.noSuchPhoto(id) }
        return PhotoDetections.photoURL(review.detections.photos[id].fileName, input: configuration.input)
    }

    /// Compiles the log and exports through ``PhotoReviewedRender`` (the function behind
    /// `veil render PHOTOS --edits`), then writes the report beside the output.
    func export(by reviewer: String, allowingUnreviewed: Bool) async throws -> ExportResult {
        guard !isExporting else { throw ReviewServerError.exportRunning }
        let unreviewed = review.unreviewedPhotos
        if !unreviewed.isEmpty, !review.isUnreviewedExportAllowed {
            guard allowingUnreviewed else {
                throw ReviewServerError.unreviewedPhotos(unreviewed.map { review.detections.photos[$0].fileName })
            }
            try commit { review in
                try review.allowUnreviewedExport(by: reviewer, because: "export allowed with unreviewed photos")
            }
        }
        isExporting = true
        defer { isExporting = false }
        let render = PhotoReviewedRender(
            input: configuration.input, detections: configuration.tracksURL, edits: configuration.logURL,
            output: configuration.output, settings: configuration.settings)
        let reportURL = configuration.reportURL
        let version = configuration.version
        return try await ReviewState.runBlocking {
            let prepared: PhotoReviewedRender.Prepared
            do {
                prepared = try render.prepare()
            } catch {
                throw ReviewServerError.exportFailed("\(error)")
            }
            let report = render.run(prepared, version: version)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            do {
                try AtomicFile.write(try encoder.encode(report), to: reportURL)
            } catch {
                throw ReviewServerError.exportFailed("cannot write the report \(reportURL.path): \(error)")
            }
            return ExportResult(
                output: render.output.path, report: reportURL.path, outputSHA256: nil, photos: report.photos.count,
                failures: report.photos.compactMap(\.error))
        }
    }

    /// A photo decoded with its orientation applied, shrunk to ``maximumServedSide``, as JPEG.
    static func servedJPEG(of url: URL) throws -> Data {
        var image = try ImageCodec.read(url)
        let side = max(image.size.width, image.size.height)
        if side > maximumServedSide {
            let scale = Double(maximumServedSide) / Double(side)
            image = try image.resized(
                to: PixelSize(
                    width: max(1, Int(Double(image.size.width) * scale)),
                    height: max(1, Int(Double(image.size.height) * scale))))
        }
        return try ImageCodec.encode(image, format: .jpg, quality: 90)
    }
}
