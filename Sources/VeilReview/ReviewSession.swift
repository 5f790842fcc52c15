public import Foundation

/// A review in progress: the document, the log that made it, and undo/redo. A state machine
/// with no I/O: each call returns the entry to append to the log file (``EditLog/append(_:to:)``),
/// and a log read back replays through the same code path, so a replayed session equals the
/// live one.
///
/// ```swift
/// var session = ReviewSession(document: try ReviewDocument(tracksFile: tracks),
///                             mediaSHA256: tracks.media.sha256, tracksSHA256: tracksHash)
/// let entry = try session.perform(.keepVisible(track: 3, reason: "consented"), by: "Ana", because: "consent form 12")
/// try EditLog.append([entry], to: EditLog.url(forTracksFile: tracksURL))
/// ```
public struct ReviewSession: Sendable {
    struct Done: Sendable {
        /// The entry whose operation this is (a `do`, or a `redo` that applied it again).
        var seq: Int
        var forward: EditOperation
        var inverse: EditOperation
    }

    /// SHA-256 of the media under review.
    public let mediaSHA256: String
    /// In a review of photos, the photo this session reviews (its entries carry this name);
    /// nil for a video.
    public let photo: String?
    /// SHA-256 of the tracks file under review.
    public let tracksSHA256: String
    /// The review as it stands after every entry.
    public private(set) var document: ReviewDocument
    /// The log so far, in order.
    public private(set) var entries: [EditLogEntry] = []
    /// The `seq` the next entry gets. In a video's log it is `entries.count + 1`; a review of
    /// photos keeps one session per photo over one log, and sets it to the log's next number.
    var nextSeq = 1
    private var undoable: [Done] = []
    private var redoable: [Done] = []

    /// A new review with an empty log.
    public init(document: ReviewDocument, mediaSHA256: String, tracksSHA256: String, photo: String? = nil) {
        self.document = document
        self.photo = photo
        self.mediaSHA256 = mediaSHA256
        self.tracksSHA256 = tracksSHA256
    }

    /// Whether there is a decision to undo.
    public var canUndo: Bool { !undoable.isEmpty }
    /// Whether there is an undone decision to apply again.
    public var canRedo: Bool { !redoable.isEmpty }

    /// An unused track ID for a split: above every ID the document or the log has used, so an
    /// ID never names two different tracks in one log.
    public var nextTrackID: Int {
        var highest = document.tracksFile.tracks.map(\.id).max() ?? 0
        for entry in entries {
            if case .split(_, _, let newTrack) = entry.what { highest = max(highest, newTrack) }
            if case .restoreTracks(_, let tracks) = entry.what {
                highest = max(highest, tracks.map(\.track.id).max() ?? 0)
            }
        }
        return highest + 1
    }

    /// An unused region ID: above every region ID the log has used.
    public var nextRegionID: Int {
        var highest = document.regions.map(\.id).max() ?? 0
        for entry in entries {
            if case .addRegion(let region) = entry.what { highest = max(highest, region.id) }
        }
        return highest + 1
    }

    /// Whether the latest entry is an export override (``EditOperation/allowUnreviewedExport(tracks:)``)
    /// that still names exactly the unreviewed tracks: an export compiled now is allowed.
    public var isUnreviewedExportAllowed: Bool {
        guard case .allowUnreviewedExport(let tracks) = entries.last?.what else { return false }
        return tracks == document.unreviewedTrackIDs
    }

    /// Applies a new decision and returns its log entry.
    @discardableResult
    public mutating func perform(
        _ operation: EditOperation, by reviewer: String, because reason: String? = nil, at date: Date = Date()
    ) throws(ReviewError) -> EditLogEntry {
        try record(entry(.do, target: nil, what: operation, by: reviewer, because: reason, at: date))
    }

    /// Reverts the latest decision not yet undone; the entry carries its inverse.
    @discardableResult
    public mutating func undo(by reviewer: String, because reason: String? = nil, at date: Date = Date())
        throws(ReviewError) -> EditLogEntry
    {
        guard let last = undoable.last else { throw .nothingToUndo }
        return try record(entry(.undo, target: last.seq, what: last.inverse, by: reviewer, because: reason, at: date))
    }

    /// Applies again the latest undone decision (until a new decision is made).
    @discardableResult
    public mutating func redo(by reviewer: String, because reason: String? = nil, at date: Date = Date())
        throws(ReviewError) -> EditLogEntry
    {
        guard let last = redoable.last else { throw .nothingToRedo }
        return try record(entry(.redo, target: last.seq, what: last.forward, by: reviewer, because: reason, at: date))
    }

    /// Rebuilds a session from a parsed log.
    ///
    /// - Throws: ``ReviewError/line(_:_:)`` for the first entry that was recorded for other
    ///   files (``ReviewError/hashMismatch(of:recorded:actual:)``) or that does not apply.
    public static func replay(
        _ entries: [EditLogEntry], onto document: ReviewDocument, mediaSHA256: String, tracksSHA256: String
    ) throws(ReviewError) -> ReviewSession {
        var session = ReviewSession(document: document, mediaSHA256: mediaSHA256, tracksSHA256: tracksSHA256)
        for (offset, entry) in entries.enumerated() {
            do {
                _ = try session.record(entry)
            } catch {
                throw .line(offset + 1, error)
            }
        }
        return session
    }

    private func entry(
        _ action: EditLogEntry.Action, target: Int?, what: EditOperation, by reviewer: String, because reason: String?,
        at date: Date
    ) -> EditLogEntry {
        EditLogEntry(
            seq: nextSeq, who: reviewer,
            when: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), action: action,
            target: target, what: what, why: reason, photo: photo, mediaSHA256: mediaSHA256, tracksSHA256: tracksSHA256)
    }

    /// The one path every entry takes, live or replayed: checks, applies, keeps undo/redo.
    mutating func record(_ entry: EditLogEntry) throws(ReviewError) -> EditLogEntry {
        try EditLog.check(entry)
        guard entry.photo == photo else {
            let recorded = entry.photo.map { "photo '\($0.prefix(80))'" } ?? "a video"
            let reviewed = photo.map { "photo '\($0.prefix(80))'" } ?? "a video"
            throw .malformedEntry("this entry is for \(recorded), not for \(reviewed)")
        }
        guard entry.mediaSHA256 == mediaSHA256 else {
            throw .hashMismatch(of: "media", recorded: entry.mediaSHA256, actual: mediaSHA256)
        }
        guard entry.tracksSHA256 == tracksSHA256 else {
            throw .hashMismatch(of: "tracks file", recorded: entry.tracksSHA256, actual: tracksSHA256)
        }
        guard entry.seq == nextSeq else {
            throw .malformedEntry("entry is numbered \(entry.seq) where \(nextSeq) was expected")
        }
        switch entry.action {
        case .do:
            // Whole tracks come back only as an undo's inverse: a reviewer's decision never
            // injects boxes wholesale, so every box in a log traces to a detection or a move.
            if case .restoreTracks = entry.what {
                throw .malformedEntry("restoreTracks is written by undo only, not as a decision")
            }
            // An export override records a permission, not a change: nothing to undo or redo.
            if case .allowUnreviewedExport = entry.what {
                try document.apply(entry.what)
                entries.append(entry)
                nextSeq = entry.seq + 1
                return entry
            }
            let inverse = try document.apply(entry.what)
            undoable.append(Done(seq: entry.seq, forward: entry.what, inverse: inverse))
            redoable.removeAll()
        case .undo:
            guard let last = undoable.last else { throw .nothingToUndo }
            guard entry.target == last.seq, entry.what == last.inverse else {
                throw .malformedEntry(
                    "this undo does not revert entry \(last.seq), the latest decision not yet undone; the log was altered"
                )
            }
            try document.apply(entry.what)
            undoable.removeLast()
            redoable.append(last)
        case .redo:
            guard let last = redoable.last else { throw .nothingToRedo }
            guard entry.target == last.seq, entry.what == last.forward else {
                throw .malformedEntry(
                    "this redo does not apply entry \(last.seq)'s operation again, the latest undone; the log was altered"
                )
            }
            let inverse = try document.apply(entry.what)
            redoable.removeLast()
            undoable.append(Done(seq: last.seq, forward: last.forward, inverse: inverse))
        }
        entries.append(entry)
        nextSeq = entry.seq + 1
        return entry
    }
}
