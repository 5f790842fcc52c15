public import VeilGeometry

/// One box to mask in one frame, with the track it belongs to and why it is there.
public struct PlannedBox: Hashable, Sendable {
    /// The track, or nil for a low-score detection that no track claimed but that scored at
    /// least ``LookAheadConfiguration/minimumStandaloneScore``.
    public var trackID: TrackID?
    /// Face or plate.
    public var objectClass: ObjectClass
    /// The box to mask, before any margin: smoothed over neighbouring frames, and always
    /// containing the box the track had in this frame (its detection, when detected).
    public var box: Box
    /// Detected, predicted or filled.
    public var source: BoxSource
    /// The detector's score, on frames where the box was detected.
    public var score: Double?
    /// The detector's landmarks, on frames where the box was detected (faces).
    public var landmarks: [Point]

    /// A planned box.
    public init(
        trackID: TrackID?,
        objectClass: ObjectClass,
        box: Box,
        source: BoxSource,
        score: Double? = nil,
        landmarks: [Point] = []
    ) {
        self.trackID = trackID
        self.objectClass = objectClass
        self.box = box
        self.source = source
        self.score = score
        self.landmarks = landmarks
    }
}
