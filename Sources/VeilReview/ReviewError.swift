/// Why an edit, a log or an export was refused. Every case says what to do about it; nothing
/// was changed when one is thrown (operations apply to a copy and replace the document only on
/// success).
public enum ReviewError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSuchTrack(Int)
    case trackExists(Int)
    case noSuchRegion(Int)
    /// A photo ID outside the review of photos.
    case noSuchPhoto(Int)
    case regionExists(Int)
    /// An identifier outside 0…``ReviewDocument/maximumIdentifier``.
    case identifierOutOfRange(Int)
    /// A frame outside the video (0 ..< frames).
    case frameOutOfRange(frame: Int, frames: Int)
    case invalidBox(String)
    case splitLeavesEmptyTrack(track: Int, frame: Int)
    case overlappingFrames(track: Int, into: Int, frames: [Int])
    case classMismatch(track: Int, into: Int)
    case mergeWithItself(Int)
    case nothingToDelete(track: Int, frame: Int)
    case reasonRequired(String)
    case invalidRegion(id: Int, reason: String)
    /// The tracks file cannot be reviewed as it is (for example two boxes of one track on one frame).
    case invalidTracks(String)
    case nothingToUndo
    case nothingToRedo
    case reviewerRequired
    /// A log line that is not a valid entry, or one that cannot be replayed.
    case malformedEntry(String)
    /// A log entry recorded for other media or another tracks file.
    case hashMismatch(of: String, recorded: String, actual: String)
    /// Export refused: these tracks are not marked reviewed (and the video is not signed off).
    case unreviewedTracks([Int])
    /// Export refused: these photos (names) are not reviewed.
    case unreviewedPhotos([String])
    /// A problem at one line of a log file (1-based).
    indirect case line(Int, ReviewError)
    /// A log file that cannot be read or written.
    case logFile(path: String, reason: String)
    /// A problem inside the log file at `path`.
    indirect case inLog(path: String, ReviewError)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .noSuchTrack(let id): "track \(id) does not exist"
        case .trackExists(let id): "track \(id) already exists"
        case .noSuchRegion(let id): "region \(id) does not exist"
        case .noSuchPhoto(let id): "photo \(id) does not exist"
        case .regionExists(let id): "region \(id) already exists"
        case .identifierOutOfRange(let id):
            "identifier \(id) is out of range (0…\(ReviewDocument.maximumIdentifier))"
        case .frameOutOfRange(let frame, let frames): "frame \(frame) is outside the video (0…\(frames - 1))"
        case .invalidBox(let reason): "invalid box: \(reason)"
        case .splitLeavesEmptyTrack(let track, let frame):
            "splitting track \(track) at frame \(frame) would leave one part empty; split between its first and last box"
        case .overlappingFrames(let track, let into, let frames):
            "tracks \(track) and \(into) both have boxes on frame(s) "
                + frames.prefix(5).map(String.init).joined(separator: ", ")
                + (frames.count > 5 ? " and \(frames.count - 5) more" : "")
                + "; delete the overlap from one of them first"
        case .classMismatch(let track, let into): "tracks \(track) and \(into) are of different classes"
        case .mergeWithItself(let id): "track \(id) cannot be merged into itself"
        case .nothingToDelete(let track, let frame): "track \(track) has no box to delete from frame \(frame) that way"
        case .reasonRequired(let what): "\(what) needs a reason (for example \"consented\")"
        case .invalidRegion(let id, let reason): "region \(id): \(reason)"
        case .invalidTracks(let reason): "the tracks file cannot be reviewed: \(reason)"
        case .nothingToUndo: "nothing to undo"
        case .nothingToRedo: "nothing to redo"
        case .reviewerRequired: "every decision needs the reviewer's name"
        case .malformedEntry(let reason): reason
        case .hashMismatch(let of, let recorded, let actual):
            "recorded for \(of) sha256 \(recorded.prefix(12))…, but this \(of) has sha256 \(actual.prefix(12))…; "
                + "the log belongs to other files and was not replayed"
        case .unreviewedTracks(let ids):
            "track(s) \(ids.map(String.init).joined(separator: ", ")) not reviewed; mark them (or the whole video) "
                + "reviewed, or allow an unreviewed export explicitly"
        case .unreviewedPhotos(let names):
            "photo(s) " + names.prefix(5).joined(separator: ", ")
                + (names.count > 5 ? " and \(names.count - 5) more" : "")
                + " not reviewed; mark them reviewed, or allow an unreviewed export explicitly"
        case .line(let number, let error): "line \(number): \(error)"
        case .logFile(let path, let reason): "edits log \(path): \(reason)"
        case .inLog(let path, let error): "edits log \(path): \(error)"
        }
    }
}
