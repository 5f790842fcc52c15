import VeilGeometry

/// One frame held by the ``LookAheadPlanner``: each track's unsmoothed box in it, and the
/// unclaimed detections masked on their own.
struct PendingFrame: Sendable {
    /// One track's box in one frame, before smoothing.
    struct TrackBox: Sendable {
        var objectClass: ObjectClass
        var box: Box
        var source: BoxSource
        var score: Double? = nil
        var landmarks: [Point] = []
    }

    let index: Int
    var trackBoxes: [TrackID: TrackBox] = [:]
    var standaloneBoxes: [PlannedBox] = []
    /// The smallest object (shorter side, pixels) the detector could see in this frame: 0
    /// after a full pass, the pass's blind size after a coarse one, infinity where no detector
    /// ran.
    var smallestVisibleSide: Double = 0

    init(index: Int) {
        self.index = index
    }
}
