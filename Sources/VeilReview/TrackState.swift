/// A reviewer's decisions about one track.
public struct TrackState: Codable, Sendable, Hashable {
    /// Why the track is left unmasked ("consented"); nil: the track is masked.
    public var visibleReason: String?
    /// Whether a reviewer looked at this track and marked it done.
    public var isReviewed: Bool
    /// Frames whose box a reviewer set, ascending: keyframes for later corrections, like
    /// detections.
    public var correctedFrames: [Int]

    /// A track's state; the default is masked, not reviewed.
    public init(visibleReason: String? = nil, isReviewed: Bool = false, correctedFrames: [Int] = []) {
        self.visibleReason = visibleReason
        self.isReviewed = isReviewed
        self.correctedFrames = correctedFrames
    }

    /// Whether the track is left unmasked.
    public var isVisible: Bool { visibleReason != nil }
}
