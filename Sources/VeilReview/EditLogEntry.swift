public import Foundation

/// One line of the decision log: who did what, when, why, to which files.
///
/// The log is append-only JSON Lines; an undo is a new entry carrying the inverse operation,
/// never a change to an old one. Each entry is self-contained (format, version, both hashes)
/// so a single line can be checked on its own.
public struct EditLogEntry: Codable, Sendable, Hashable {
    /// The value of `format`.
    public static let formatName = "veil-edits"
    /// The value of `version`.
    public static let formatVersion = 1

    /// What kind of entry this is.
    public enum Action: String, Codable, Sendable, Hashable {
        /// A new decision.
        case `do`
        /// Reverts the decision of entry ``EditLogEntry/target``; `what` is its inverse.
        case undo
        /// Applies again the decision that entry ``EditLogEntry/target`` had, after an undo.
        case redo
    }

    /// Always ``formatName``.
    public var format: String
    /// The layout's version (``formatVersion``).
    public var version: Int
    /// 1, 2, 3, … in file order; a gap means lines were removed.
    public var seq: Int
    /// The reviewer's name, as typed.
    public var who: String
    /// When it was decided (ISO 8601, UTC, whole seconds).
    public var when: Date
    /// Do, undo or redo.
    public var action: Action
    /// For undo and redo: the `seq` of the entry whose operation is undone or applied again.
    public var target: Int?
    /// The operation applied.
    public var what: EditOperation
    /// The reviewer's reason, free text.
    public var why: String?
    /// In a review of photos: the photo the decision applies to (its path relative to the
    /// folder reviewed); absent in a video's log.
    public var photo: String?
    /// SHA-256 (hex) of the media the decision applies to (in a review of photos: of that photo).
    public var mediaSHA256: String
    /// SHA-256 (hex) of the tracks file (as `veil detect` wrote it) the decision applies to; in a
    /// review of photos, of the detections file (``PhotoDetections``).
    public var tracksSHA256: String

    /// An entry.
    public init(
        seq: Int, who: String, when: Date, action: Action, target: Int? = nil, what: EditOperation,
        why: String? = nil, photo: String? = nil, mediaSHA256: String, tracksSHA256: String
    ) {
        format = Self.formatName
        version = Self.formatVersion
        self.seq = seq
        self.who = who
        self.when = when
        self.action = action
        self.target = target
        self.what = what
        self.why = why
        self.photo = photo
        self.mediaSHA256 = mediaSHA256
        self.tracksSHA256 = tracksSHA256
    }

    /// `when` as written in the log.
    public var timestamp: String { EditLog.timestamp(when) }
}
