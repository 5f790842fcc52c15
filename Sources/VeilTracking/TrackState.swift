/// Where a track is in its life.
public enum TrackState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Started from a high-score detection but not yet seen often enough to be confirmed. A
    /// tentative track that misses one frame is dropped.
    case tentative
    /// Confirmed and matched to a detection in the current frame.
    case tracked
    /// Confirmed, but not matched in the current frame: its box is the Kalman prediction. It
    /// stays alive for ``TrackerConfiguration/maxLostFrames`` frames after its last match.
    case lost
}
