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
/// With ``MatchCriterion/objectCoverage(_:)`` (plates) a detection matches an object when it
/// holds at least that fraction of the object's box, taking the unmatched object it holds most
/// of; a detection that matches nothing but overlaps any annotated or ignored object is
/// neutral (a second or partial mask on a labelled plate hides no new text), so only masks
/// that touch no labelled object are false positives.
///
/// ```swift
/// let matcher = DetectionMatcher(iouThreshold: 0.5)
/// let outcomes = matcher.match(detections: faces, groundTruth: image.objects(of: .face))
/// let plates = DetectionMatcher(criterion: .objectCoverage(0.9))
/// ```
public struct DetectionMatcher: Hashable, Sendable {
    /// When a detection matches an object.
    public var criterion: MatchCriterion

    /// A matcher at this IoU.
    public init(iouThreshold: Double) {
        criterion = .iou(iouThreshold)
    }

    /// A matcher with this criterion.
    public init(criterion: MatchCriterion) {
        self.criterion = criterion
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
            var best: (index: Int, overlap: Double)?
            for (objectIndex, object) in groundTruth.enumerated() where !object.isIgnored && !isMatched[objectIndex] {
                let overlap = criterion.overlap(of: box, with: object.box)
                if overlap >= criterion.threshold, overlap > (best?.overlap ?? -1) { best = (objectIndex, overlap) }
            }
            if let best {
                isMatched[best.index] = true
                outcomes[detectionIndex] = .truePositive(
                    groundTruthIndex: best.index, iou: box.iou(groundTruth[best.index].box))
            } else if groundTruth.contains(where: { absorbs(object: $0, detection: box) }) {
                outcomes[detectionIndex] = .ignored
            }
        }
        return outcomes
    }

    /// Whether an object makes an unmatched detection neutral: an ignored object by IoU, or by
    /// the detection lying inside it; with object coverage, any object the detection overlaps.
    private func absorbs(object: GroundTruthObject, detection: Box) -> Bool {
        switch criterion {
        case .iou(let threshold):
            object.isIgnored
                && (detection.iou(object.box) >= threshold || object.box.coverage(of: detection) >= threshold)
        case .objectCoverage:
            detection.intersection(object.box) != nil
        }
    }
}

/// When a detection matches an annotated object.
public enum MatchCriterion: Hashable, Sendable, Codable {
    /// Intersection over union at least this (PASCAL VOC, COCO, WIDER FACE): for detectors
    /// whose boxes are meant to fit the object.
    case iou(Double)
    /// At least this fraction of the object's box inside the detection: for detections that
    /// are masks, larger than the object on purpose (a plate's mask is ~1.8 × the plate, so
    /// its IoU with the plate hovers around 0.55 however well it hides it).
    case objectCoverage(Double)

    /// The threshold, 0…1.
    public var threshold: Double {
        switch self {
        case .iou(let value), .objectCoverage(let value): value
        }
    }

    /// The overlap measure this criterion thresholds.
    func overlap(of detection: Box, with object: Box) -> Double {
        switch self {
        case .iou: detection.iou(object)
        case .objectCoverage: detection.coverage(of: object)
        }
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
