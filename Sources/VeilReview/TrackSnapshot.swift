public import VeilPipeline

/// A track with its review state, as it was: what ``EditOperation/restoreTracks(remove:tracks:)``
/// puts back.
public struct TrackSnapshot: Codable, Sendable, Hashable {
    /// The track as it stands.
    public var track: TracksFile.Track
    /// The reviewer's decisions about it.
    public var state: TrackState

    /// A snapshot.
    public init(track: TracksFile.Track, state: TrackState) {
        self.track = track
        self.state = state
    }
}
