import Foundation
import VeilPipeline
import VeilReview

/// What `GET /api/project` (and every edit) answers: the review as it stands (docs/REVIEW-API.md).
struct ReviewProject: Encodable {
    struct Media: Encodable {
        var fileName: String
        var width: Int
        var height: Int
        var frames: Int
        /// Frame N of the video served is shown from N / fps seconds.
        var fps: Double
        var proxyWidth: Int
        var proxyHeight: Int
        /// Whether `/media/video` is a copy made for the browser (else the original file).
        var isProxy: Bool
    }

    var kind = "video"
    var media: Media
    var document: ReviewDocument
    var unreviewedTrackIDs: [Int]
    var canUndo: Bool
    var canRedo: Bool
    var nextTrackID: Int
    var nextRegionID: Int
    var log: [EditLogEntry]

    init(session: ReviewSession, media: Media) {
        self.media = media
        document = session.document
        unreviewedTrackIDs = session.document.unreviewedTrackIDs
        canUndo = session.canUndo
        canRedo = session.canRedo
        nextTrackID = session.nextTrackID
        nextRegionID = session.nextRegionID
        log = session.entries
    }

    /// JSON as the log writes it: sorted keys, dates as ISO 8601 in whole seconds.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// The body of `POST /api/edits`.
struct EditRequest: Decodable {
    var who: String
    var why: String?
    var photo: Int?
    var what: EditOperation
}

/// The body of `POST /api/undo` and `/api/redo`.
struct ReviewerRequest: Decodable {
    var who: String
    var photo: Int?
}

/// The body of `POST /api/export`.
struct ExportRequest: Decodable {
    var who: String
    var allowUnreviewed: Bool?
}

/// What a successful export answers.
struct ExportResult: Encodable, Sendable {
    var output: String
    var report: String
    /// A video's SHA-256 (photos: each photo's is in the report).
    var outputSHA256: String?
    /// Photos: how many were exported or failed.
    var photos: Int?
    /// Photos: one line per photo that failed (the others were written).
    var failures: [String]?
}
