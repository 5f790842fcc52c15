import VeilReview

/// Why the review server could not start, or refused a request. Each message says what to do.
public enum ReviewServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The tracks file or the log could not be read or replayed.
    case cannotOpen(String)
    /// A browser-playable copy of the video could not be made.
    case proxyFailed(String)
    /// Export refused: these tracks are not reviewed.
    case unreviewedTracks([Int])
    /// Export refused: these photos (names) are not reviewed.
    case unreviewedPhotos([String])
    /// An export is running; edits wait until it ends.
    case exportRunning
    /// The export failed.
    case exportFailed(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .cannotOpen(let reason): reason
        case .proxyFailed(let reason): "cannot make a browser-playable copy of the video: \(reason)"
        case .unreviewedTracks(let ids):
            "track(s) \(ids.map(String.init).joined(separator: ", ")) not reviewed; mark them (or the whole video) "
                + "reviewed, or allow an unreviewed export explicitly"
        case .unreviewedPhotos(let names): ReviewError.unreviewedPhotos(names).description
        case .exportRunning: "an export is running; try again when it has finished"
        case .exportFailed(let reason): "export failed: \(reason)"
        }
    }
}
