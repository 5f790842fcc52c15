public import VeilGeometry

/// One live track in one frame: what ``Tracker/update(detections:blindBelow:)`` reports.
public struct TrackedObject: Hashable, Sendable {
    /// The track's ID.
    public var id: TrackID
    /// Face or plate.
    public var objectClass: ObjectClass
    /// Tentative, confirmed or lost.
    public var state: TrackState
    /// Where the object is in this frame: the matched detection's box when ``detection`` is
    /// set, otherwise the Kalman prediction of a lost track.
    public var box: Box
    /// The detection this track matched in this frame; nil while the track is lost.
    public var detection: Detection?
    /// The position of ``detection`` in the array passed to ``Tracker/update(detections:blindBelow:)``.
    public var detectionIndex: Int?
    /// Frames since the track last matched a detection: 0 when matched in this frame.
    public var framesSinceDetection: Int

    /// A tracked object.
    public init(
        id: TrackID,
        objectClass: ObjectClass,
        state: TrackState,
        box: Box,
        detection: Detection?,
        detectionIndex: Int?,
        framesSinceDetection: Int
    ) {
        self.id = id
        self.objectClass = objectClass
        self.state = state
        self.box = box
        self.detection = detection
        self.detectionIndex = detectionIndex
        self.framesSinceDetection = framesSinceDetection
    }

    /// Whether the track has been seen often enough to be trusted (tracked or lost).
    public var isConfirmed: Bool { state != .tentative }
}
