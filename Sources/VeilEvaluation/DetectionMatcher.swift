public import VeilGeometry

/// Matches the detections of one class in one image to that image's ground truth.
///
/// Greedy by descending score, as COCO and PASCAL VOC do: each detection takes the unmatched
/// scored object it overlaps most, if that overlap reaches the IoU threshold; each object is
/// matched at most once, so a second detection of the same object is a false positive.
/// Detections with equal scores are taken in the order given.
///
/// A detection that matches no scored object is neutral (``MatchOutcome/ignored``) when it
/// overlaps an ignored object by IoU ≥ threshold or lies inside it for at least the threshold's
/// fraction of its own area (COCO's crowd rule). Ignored objects absorb any number of
/// detections: duplicates on an object nobody scores are not errors either.
///
/// ```swift
/// let matcher = DetectionMatcher(iouThreshold: 0.5)
/// let outcomes = matcher.match(detections: faces, groundTruth: image.objects(of: .face))
/// ```
public struct DetectionMatcher: Hashable, Sendable {
    /// The least IoU at which a detection matches an object (inclusive).
    public var iouThreshold: Double

    /// A matcher at this IoU.
    public init(iouThreshold: Double) {
        self.iouThreshold = iouThreshold
    }

    /// The outcome of each detection, in the order the detections were given.
    ///
    /// Classes are not checked: pass the detections and objects of one class.
    ///
    /// - Complexity: O(*d* log *d* + *d* × *g*) for *d* detections and *g* objects.
    public func match(detections: [Detection], groundTruth: [GroundTruthObject]) -> [MatchOutcome] {
        let order = detections.indices.sorted { lhs, rhs in
            detections[lhs].score != detections[rhs].score ? detections[lhs].score > detections[rhs].score : lhs < rhs
        }
        var outcomes = [MatchOutcome](repeating: .falsePositive, count: detections.count)
        var isMatched = [Bool](repeating: false, count: groundTruth.count)
        for detectionIndex in order {
            let box = detections[detectionIndex].box
            var best: (index: Int, iou: Double)?
            for (objectIndex, object) in groundTruth.enumerated() where !object.isIgnored && !isMatched[objectIndex] {
                let iou = box.iou(object.box)
                if iou >= iouThreshold, iou > (best?.iou ?? -1) { best = (objectIndex, iou) }
            }
            if let best {
                isMatched[best.index] = true
                outcomes[detectionIndex] = .truePositive(groundTruthIndex: best.index, iou: best.iou)
            } else if groundTruth.contains(where: { $0.isIgnored && absorbs(ignored: $0.box, detection: box) }) {
                outcomes[detectionIndex] = .ignored
            }
        }
        return outcomes
    }

    /// Whether an ignored object swallows a detection: by IoU, or by the detection lying inside it.
    private func absorbs(ignored: Box, detection: Box) -> Bool {
        detection.iou(ignored) >= iouThreshold || ignored.coverage(of: detection) >= iouThreshold
    }
}

/// What one detection turned out to be.
public enum MatchOutcome: Hashable, Sendable {
    /// It found the scored object at `groundTruthIndex` (an index into the objects passed to
    /// the matcher) with the given IoU.
    case truePositive(groundTruthIndex: Int, iou: Double)
    /// It found nothing that was annotated, or only an object another detection already took.
    case falsePositive
    /// It found an ignored object: neither right nor wrong.
    case ignored

    /// Whether the detection found a scored object.
    public var isTruePositive: Bool {
        if case .truePositive = self { return true }
        return false
    }
}
