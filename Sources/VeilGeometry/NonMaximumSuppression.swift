/// How overlapping detections of the same object are merged.
public enum SuppressionStrategy: Sendable, Hashable {
    /// Keep the highest-scoring box, drop the others (classic NMS).
    case keepBest
    /// Keep the highest-scoring detection's score and landmarks but grow its box to the union of
    /// the boxes it suppresses. Favours coverage (privacy) over tight boxes: two detectors that
    /// disagree on where a chin ends both get masked.
    case unionOfOverlaps
}

/// A box nested in another counts as the same object only when their areas are within this
/// ratio (YuNet sometimes adds a box on the lower half of a face it already found, ~3.3×):
/// two detectors boxing one face tightly and loosely differ by ~2×, while a large false box
/// around a crowd contains many faces that must survive.
let nestedAreaRatioLimit = 4.0

extension Array where Element == Detection {
    /// Whether two boxes describe the same object: they overlap by more than `iouThreshold`,
    /// or one lies (≥ 90 %) inside the other and they are of similar size.
    static func isSameObject(_ a: Box, _ b: Box, iouThreshold: Double) -> Bool {
        if a.iou(b) > iouThreshold { return true }
        let ratio = Swift.max(a.area, b.area) / Swift.max(Swift.min(a.area, b.area), 1e-9)
        guard ratio <= nestedAreaRatioLimit else { return false }
        return a.coverage(of: b) > 0.9 || b.coverage(of: a) > 0.9
    }

    /// Greedy non-maximum suppression, per object class.
    ///
    /// ```swift
    /// let merged = (yunet + centerface).suppressingOverlaps(iouThreshold: 0.4)
    /// ```
    ///
    /// - Parameters:
    ///   - iouThreshold: boxes overlapping a kept box by more than this IoU are merged into it.
    ///   - strategy: what happens to the kept box (see ``SuppressionStrategy``).
    /// - Returns: the kept detections, highest score first.
    /// - Complexity: O(*n*²) in the number of detections.
    public func suppressingOverlaps(
        iouThreshold: Double,
        strategy: SuppressionStrategy = .keepBest
    ) -> [Detection] {
        let sorted = self.sorted { $0.score > $1.score }
        var kept: [Detection] = []
        var isSuppressed = [Bool](repeating: false, count: sorted.count)
        for index in sorted.indices where !isSuppressed[index] {
            var best = sorted[index]
            for other in sorted.indices.dropFirst(index + 1) where !isSuppressed[other] {
                let candidate = sorted[other]
                guard candidate.objectClass == best.objectClass,
                    Self.isSameObject(sorted[index].box, candidate.box, iouThreshold: iouThreshold)
                else { continue }
                isSuppressed[other] = true
                if strategy == .unionOfOverlaps {
                    best.box = best.box.union(candidate.box)
                }
            }
            kept.append(best)
        }
        return kept
    }
}
