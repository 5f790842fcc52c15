public import VeilPipeline

/// A track with its review state, as it was: what ``EditOperation/restoreTracks(remove:tracks:)``
/// puts back.
public struct TrackSnapshot: Codable, Sendable, Hashable {
    public var track: TracksFile.Track
    public var state: TrackState

    public init(track: TracksFile.Track, state: TrackState) {
        self.track = track
        self.state = state
    }
}
