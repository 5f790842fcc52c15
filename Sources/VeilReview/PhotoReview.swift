public import Foundation

/// A review of a set of photos in progress: one ``ReviewSession`` per photo (each photo a
/// one-frame document, ``PhotoDetections/tracksFile(forPhoto:)``) over one decision log. A state
/// machine with no I/O, like ``ReviewSession``: each call returns the entries to append
/// (``EditLog/append(_:to:)``), and a log read back replays through the same path.
///
/// Every entry names its photo (``EditLogEntry/photo``) and carries that photo's SHA-256 and
/// the detections file's; `seq` numbers the whole log. Undo and redo are per photo: undoing on
/// photo 2 reverts photo 2's latest decision, whatever was decided on other photos since.
///
/// A photo counts as reviewed when it is signed off (``EditOperation/setVideoReviewed(_:)``),
/// or when it has detections and each is marked reviewed; a photo without detections needs
/// the sign-off (a face the detector missed is what the reviewer looks for).
///
/// ```swift
/// var review = try PhotoReview(detections: file, detectionsSHA256: hash)
/// let entry = try review.perform(.keepVisible(track: 1, reason: "consented"), photo: 0, by: "Ana")
/// try EditLog.append([entry], to: PhotoDetections.editsURL(forInput: folder))
/// ```
public struct PhotoReview: Sendable {
    /// What detection found.
    public let detections: PhotoDetections
    /// SHA-256 of the detections file.
    public let detectionsSHA256: String
    /// One session per photo, in the order of ``PhotoDetections/photos`` (the photo's ID).
    public private(set) var sessions: [ReviewSession]
    /// The whole log so far, in order.
    public private(set) var entries: [EditLogEntry] = []
    private let indexByName: [String: Int]

    /// A new review with an empty log.
    ///
    /// - Throws: ``ReviewError/invalidTracks(_:)`` for a photo whose detections cannot be reviewed.
    public init(detections: PhotoDetections, detectionsSHA256: String) throws(ReviewError) {
        self.detections = detections
        self.detectionsSHA256 = detectionsSHA256
        var sessions: [ReviewSession] = []
        for (index, photo) in detections.photos.enumerated() {
            let document: ReviewDocument
            do {
                document = try ReviewDocument(tracksFile: detections.tracksFile(forPhoto: index))
            } catch {
                throw .invalidTracks("\(photo.fileName): \(error)")
            }
            sessions.append(
                ReviewSession(
                    document: document, mediaSHA256: photo.sha256, tracksSHA256: detectionsSHA256,
                    photo: photo.fileName))
        }
        self.sessions = sessions
        indexByName = Dictionary(
            detections.photos.enumerated().map { ($1.fileName, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether photo `index` counts as reviewed.
    public func isReviewed(photo index: Int) -> Bool {
        let document = sessions[index].document
        return document.isVideoReviewed
            || (!document.tracksFile.tracks.isEmpty && document.unreviewedTrackIDs.isEmpty)
    }

    /// The IDs of the photos not yet reviewed, ascending.
    public var unreviewedPhotos: [Int] { sessions.indices.filter { !isReviewed(photo: $0) } }

    /// Whether every unreviewed photo's latest entry is an export override that still names
    /// its unreviewed boxes: an export compiled now is allowed without asking again.
    public var isUnreviewedExportAllowed: Bool {
        unreviewedPhotos.allSatisfy { index in
            guard case .allowUnreviewedExport(let tracks) = sessions[index].entries.last?.what else { return false }
            return tracks == sessions[index].document.unreviewedTrackIDs
        }
    }

    /// Applies a new decision to photo `photo` and returns its log entry.
    @discardableResult
    public mutating func perform(
        _ operation: EditOperation, photo: Int, by reviewer: String, because reason: String? = nil,
        at date: Date = Date()
    ) throws(ReviewError) -> EditLogEntry {
        try change(photo) { (session: inout ReviewSession) throws(ReviewError) -> EditLogEntry in
            try session.perform(operation, by: reviewer, because: reason, at: date)
        }
    }

    /// Reverts photo `photo`'s latest decision not yet undone.
    @discardableResult
    public mutating func undo(photo: Int, by reviewer: String, at date: Date = Date()) throws(ReviewError)
        -> EditLogEntry
    {
        try change(photo) { (session: inout ReviewSession) throws(ReviewError) -> EditLogEntry in
            try session.undo(by: reviewer, at: date)
        }
    }

    /// Applies again photo `photo`'s latest undone decision.
    @discardableResult
    public mutating func redo(photo: Int, by reviewer: String, at date: Date = Date()) throws(ReviewError)
        -> EditLogEntry
    {
        try change(photo) { (session: inout ReviewSession) throws(ReviewError) -> EditLogEntry in
            try session.redo(by: reviewer, at: date)
        }
    }

    /// Records the reviewer's permission to export although photos are unreviewed: one
    /// ``EditOperation/allowUnreviewedExport(tracks:)`` entry per unreviewed photo (naming its
    /// unreviewed boxes, possibly none), with `reason` as `why`.
    public mutating func allowUnreviewedExport(by reviewer: String, because reason: String, at date: Date = Date())
        throws(ReviewError) -> [EditLogEntry]
    {
        var copy = self
        var added: [EditLogEntry] = []
        for index in unreviewedPhotos {
            let tracks = copy.sessions[index].document.unreviewedTrackIDs
            added.append(
                try copy.perform(
                    .allowUnreviewedExport(tracks: tracks), photo: index, by: reviewer, because: reason, at: date))
        }
        self = copy
        return added
    }

    /// Rebuilds a review from a parsed log.
    ///
    /// - Throws: ``ReviewError/line(_:_:)`` for the first entry that names no photo of this
    ///   set, was recorded for other files, or does not apply.
    public static func replay(_ entries: [EditLogEntry], onto detections: PhotoDetections, detectionsSHA256: String)
        throws(ReviewError) -> PhotoReview
    {
        var review = try PhotoReview(detections: detections, detectionsSHA256: detectionsSHA256)
        for (offset, entry) in entries.enumerated() {
            do throws(ReviewError) {
                guard let name = entry.photo else {
                    throw ReviewError.malformedEntry("this entry names no photo, but this is a review of photos")
                }
                guard let index = review.indexByName[name] else {
                    throw ReviewError.malformedEntry("photo '\(name.prefix(80))' is not in the detections file")
                }
                _ = try review.change(index) { (session: inout ReviewSession) throws(ReviewError) -> EditLogEntry in
                    try session.record(entry)
                }
            } catch {
                throw .line(offset + 1, error)
            }
        }
        return review
    }

    /// Runs one change on a copy of the photo's session, numbered in the whole log.
    private mutating func change(_ photo: Int, _ body: (inout ReviewSession) throws(ReviewError) -> EditLogEntry)
        throws(ReviewError) -> EditLogEntry
    {
        guard sessions.indices.contains(photo) else { throw .noSuchPhoto(photo) }
        var session = sessions[photo]
        session.nextSeq = entries.count + 1
        let entry = try body(&session)
        sessions[photo] = session
        entries.append(entry)
        return entry
    }
}
