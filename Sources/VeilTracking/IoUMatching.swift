import VeilGeometry

/// A one-to-one matching of track boxes to detection boxes by IoU, within each object class.
///
/// Greedy: all same-class pairs overlapping by at least the minimum IoU are taken in order of
/// falling IoU (ties by track, then detection position, so results are reproducible), and a
/// pair is kept when neither side is taken yet. The Hungarian algorithm maximizes the total
/// IoU instead; with the handful of faces or plates in a frame and predictions that overlap
/// their own object far more than any other, both give the same answer almost always, and the
/// greedy one is a few lines that cannot go wrong. A plate never matches a face: pairs of
/// different classes are never candidates.
///
/// - Complexity: O(*t* × *d* × log(*t* × *d*)) for *t* tracks and *d* detections.
struct IoUMatching: Sendable {
    /// Matched (track position, detection position) pairs, in the order they were taken.
    private(set) var pairs: [(track: Int, detection: Int)] = []
    /// Positions of the tracks left unmatched, ascending.
    private(set) var unmatchedTracks: [Int] = []
    /// Positions of the detections left unmatched, ascending.
    private(set) var unmatchedDetections: [Int] = []

    init(
        tracks: [(objectClass: ObjectClass, box: Box)],
        detections: [(objectClass: ObjectClass, box: Box)],
        minimumIoU: Double
    ) {
        var candidates: [(iou: Double, track: Int, detection: Int)] = []
        for (trackIndex, track) in tracks.enumerated() {
            for (detectionIndex, detection) in detections.enumerated()
            where detection.objectClass == track.objectClass {
                let iou = track.box.iou(detection.box)
                if iou > 0, iou >= minimumIoU {
                    candidates.append((iou, trackIndex, detectionIndex))
                }
            }
        }
        candidates.sort { lhs, rhs in
            if lhs.iou != rhs.iou { return lhs.iou > rhs.iou }
            if lhs.track != rhs.track { return lhs.track < rhs.track }
            return lhs.detection < rhs.detection
        }
        var isTrackTaken = [Bool](repeating: false, count: tracks.count)
        var isDetectionTaken = [Bool](repeating: false, count: detections.count)
        for candidate in candidates where !isTrackTaken[candidate.track] && !isDetectionTaken[candidate.detection] {
            isTrackTaken[candidate.track] = true
            isDetectionTaken[candidate.detection] = true
            pairs.append((candidate.track, candidate.detection))
        }
        unmatchedTracks = tracks.indices.filter { !isTrackTaken[$0] }
        unmatchedDetections = detections.indices.filter { !isDetectionTaken[$0] }
    }
}
