public import VeilGeometry
public import VeilMedia

/// Several detectors run on the same image, their detections merged: an object found by
/// any member is kept (recall first); where members agree, the merged box spans both so a
/// face is covered from whichever detector saw more of it.
public struct EnsembleDetector: ObjectDetector {
    /// The detectors run, in order.
    public let members: [any ObjectDetector]
    /// Overlap above which detections of different members are the same object.
    public let mergeIoU: Double
    /// Detections below this score are dropped before merging, so a weak guess never
    /// stretches a confident box.
    public let minimumScore: Double

    /// Runs `members` and merges overlapping detections of the same class (IoU ≥ `mergeIoU`).
    public init(members: [any ObjectDetector], mergeIoU: Double = 0.4, minimumScore: Double = 0) {
        self.members = members
        self.mergeIoU = mergeIoU
        self.minimumScore = minimumScore
    }

    /// The members' names joined by "+".
    public var name: String { members.map(\.name).joined(separator: "+") }
    /// Every member's models.
    public var models: [ModelFingerprint] { members.flatMap(\.models) }
    /// The largest of the members' sides; nil if any member needs full resolution.
    public var workingSide: Int? {
        let sides = members.map(\.workingSide)
        guard !sides.contains(where: { $0 == nil }) else { return nil }
        return sides.compactMap { $0 }.max()
    }

    /// Every member coarsened; nil unless each of them can be.
    public func coarsened(toSide side: Int) -> (any ObjectDetector)? {
        var coarse: [any ObjectDetector] = []
        for member in members {
            guard let member = member.coarsened(toSide: side) else { return nil }
            coarse.append(member)
        }
        return EnsembleDetector(members: coarse, mergeIoU: mergeIoU, minimumScore: minimumScore)
    }

    /// Every member's detections, merged.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        var all: [Detection] = []
        for member in members {
            all += try member.detect(in: image).filter { $0.score >= minimumScore }
        }
        return members.count == 1 ? all : all.suppressingOverlaps(iouThreshold: mergeIoU, strategy: .unionOfOverlaps)
    }
}
