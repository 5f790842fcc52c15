import VeilGeometry

/// The tracker's private record of one track.
struct Track: Sendable {
    let id: TrackID
    let objectClass: ObjectClass
    var motion: BoxMotionState
    var state: TrackState
    /// How many frames matched a detection, the first included.
    var hits: Int
    /// Frames since the last match: 0 in a frame where it matched.
    var framesSinceDetection: Int
    /// This frame's match, cleared at each prediction.
    var detection: Detection?
    var detectionIndex: Int?

    /// The box the track reports: its detection when matched this frame, else its prediction.
    var reportedBox: Box { detection?.box ?? motion.box }

    var report: TrackedObject {
        TrackedObject(
            id: id,
            objectClass: objectClass,
            state: state,
            box: reportedBox,
            detection: detection,
            detectionIndex: detectionIndex,
            framesSinceDetection: framesSinceDetection
        )
    }
}
