/// The precision and recall a detector reaches at each score threshold, and the average
/// precision under it.
///
/// Detections are ranked by descending score. Detections with exactly the same score form one
/// point: a threshold cannot separate them, so the result does not depend on the order in which
/// tied detections were listed (pycocotools and the VOC devkit instead rank ties in input order).
///
/// ```swift
/// let curve = PrecisionRecallCurve(
///     outcomes: [.init(score: 0.9, isTruePositive: true), .init(score: 0.8, isTruePositive: false)],
///     groundTruthCount: 2
/// )
/// curve.averagePrecision(.allPoint)  // 0.5
/// ```
public struct PrecisionRecallCurve: Hashable, Sendable, Codable {
    /// One scored detection after matching (ignored detections are left out beforehand).
    public struct Outcome: Hashable, Sendable, Codable {
        /// The detection's score.
        public var score: Double
        /// Whether it matched ground truth.
        public var isTruePositive: Bool

        /// A scored detection.
        public init(score: Double, isTruePositive: Bool) {
            self.score = score
            self.isTruePositive = isTruePositive
        }
    }

    /// The curve at one score threshold: every detection scoring at least `score` is kept.
    public struct Point: Hashable, Sendable, Codable {
        /// The score threshold of this point.
        public var score: Double
        /// Recall at this score.
        public var recall: Double
        /// Precision at this score.
        public var precision: Double
    }

    /// One point per distinct score, by descending score (so by non-decreasing recall).
    public private(set) var points: [Point]
    /// The number of scored ground-truth objects: the denominator of recall.
    public private(set) var groundTruthCount: Int

    /// Builds the curve from matched detections of one class over a whole dataset.
    ///
    /// - Complexity: O(*n* log *n*) for *n* outcomes.
    public init(outcomes: [Outcome], groundTruthCount: Int) {
        self.groundTruthCount = groundTruthCount
        let ranked = outcomes.sorted { $0.score > $1.score }
        var points: [Point] = []
        var truePositives = 0
        var falsePositives = 0
        for (index, outcome) in ranked.enumerated() {
            if outcome.isTruePositive { truePositives += 1 } else { falsePositives += 1 }
            let isLastOfTie = index == ranked.count - 1 || ranked[index + 1].score != outcome.score
            guard isLastOfTie else { continue }
            points.append(
                Point(
                    score: outcome.score,
                    recall: groundTruthCount > 0 ? Double(truePositives) / Double(groundTruthCount) : 0,
                    precision: Double(truePositives) / Double(truePositives + falsePositives)
                ))
        }
        self.points = points
    }

    /// The average precision, or nil when there is no ground truth to recall.
    ///
    /// A class with ground truth but no detections scores 0.
    ///
    /// - Complexity: O(*p*) for *p* points.
    public func averagePrecision(_ interpolation: AveragePrecisionInterpolation) -> Double? {
        guard groundTruthCount > 0 else { return nil }
        guard !points.isEmpty else { return 0 }
        // Monotone envelope: the best precision at this recall or any higher one.
        var envelope = points.map(\.precision)
        for index in envelope.indices.dropLast().reversed() {
            envelope[index] = max(envelope[index], envelope[index + 1])
        }
        switch interpolation {
        case .allPoint:
            var area = 0.0
            var previousRecall = 0.0
            for (point, precision) in zip(points, envelope) {
                area += (point.recall - previousRecall) * precision
                previousRecall = point.recall
            }
            return area
        case .cocoOneHundredOnePoint:
            let samples = AveragePrecisionInterpolation.cocoRecallSampleCount
            // numpy.linspace(0, 1, 101) computes index × 0.01 and pins the last value to 1;
            // computing the levels the same way keeps ties with recall values identical.
            let step = 1.0 / Double(samples - 1)
            var sum = 0.0
            var pointIndex = 0
            for sample in 0..<samples {
                let level = sample == samples - 1 ? 1.0 : Double(sample) * step
                while pointIndex < points.count, points[pointIndex].recall < level { pointIndex += 1 }
                guard pointIndex < points.count else { break }
                sum += envelope[pointIndex]
            }
            return sum / Double(samples)
        }
    }

    /// At most `limit` of ``points``, evenly spaced by rank, always with the first and the
    /// last (the curve's end at the lowest score): for plotting, not for average precision.
    public func thinned(toAtMost limit: Int) -> [Point] {
        guard points.count > limit, limit >= 2 else { return points }
        return (0..<limit).map { points[$0 * (points.count - 1) / (limit - 1)] }
    }
}
