/// How overlapping detections of the same object are merged.
public enum SuppressionStrategy: Sendable, Hashable {
    /// Keep the highest-scoring box, drop the others (classic NMS).
    case keepBest
    /// Keep the highest-scoring detection's score and landmarks but grow its box to the union of
    /// the boxes it suppresses. Favours coverage (privacy) over tight boxes: two detectors that
    /// disagree on where a chin ends both get masked.
    case unionOfOverlaps
}

extension Array where Element == Detection {
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
                    sorted[index].box.iou(candidate.box) > iouThreshold
                        || sorted[index].box.coverage(of: candidate.box) > 0.9
                        || candidate.box.coverage(of: sorted[index].box) > 0.9
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
