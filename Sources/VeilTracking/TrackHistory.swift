import VeilGeometry

/// What the ``LookAheadPlanner`` remembers about a live track to fill its gaps.
struct TrackHistory: Sendable {
    /// A detected box and the frame it was detected in.
    struct Sighting: Sendable {
        var frameIndex: Int
        var box: Box
    }

    /// The track's first detection.
    var first: Sighting
    /// The track's latest detection.
    var latest: Sighting
    /// Whether the track has been confirmed (and filled backwards).
    var isConfirmed = false

    init(first: Sighting) {
        self.first = first
        self.latest = first
    }
}
