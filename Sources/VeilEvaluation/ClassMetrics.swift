/// Everything measured for one class.
///
/// Counts and precision/recall/F1 are at the configuration's score and IoU thresholds; AP and
/// mAP use every detection. A metric whose denominator is zero is nil (JSON `null`), not 0:
/// precision with no detections, recall with no ground truth.
public struct ClassMetrics: Hashable, Sendable, Codable {
    /// Scored (not ignored) ground-truth objects.
    public var groundTruthCount: Int
    /// Ground-truth objects left out of scoring (crowd, invalid, below minimum size, …).
    public var ignoredCount: Int
    /// Detections at or above the score threshold that matched a scored object.
    public var truePositives: Int
    /// Detections at or above the score threshold that matched nothing, or a taken object.
    public var falsePositives: Int
    /// Scored objects no detection at or above the score threshold matched.
    public var falseNegatives: Int
    /// Detections at or above the score threshold that landed on ignored objects.
    public var ignoredDetections: Int
    /// TP / (TP + FP).
    public var precision: Double?
    /// TP / (TP + FN).
    public var recall: Double?
    /// 2·TP / (2·TP + FP + FN): the harmonic mean of precision and recall, defined (as 0) even
    /// when there are no detections.
    public var f1: Double?
    /// Average precision at IoU 0.5 (the configured interpolation).
    public var averagePrecision50: Double?
    /// Mean of the average precisions at the configured IoU thresholds (COCO's AP@[.5:.95]).
    public var meanAveragePrecision: Double?
    /// Average precision at each of the configured IoU thresholds.
    public var averagePrecisionByIoU: [IoUAveragePrecision]
    /// The fraction of scored objects of which at least the coverage threshold lies under the
    /// union of the image's mask regions (of any class); nil when no masks were supplied.
    public var coverageRecall: Double?
    /// False positives divided by the number of images (all images, also empty ones).
    public var falsePositivesPerImage: Double
    /// False positives per hour of video at the configured frame rate; nil without one.
    public var falsePositivesPerHour: Double?
    /// Recall and coverage recall by object size.
    public var sizeBuckets: [SizeBucketMetrics]
    /// Each scored object's best IoU with any detection at or above the score threshold
    /// (0 when none overlaps): misses with IoU 0.3–0.5 show a box-style mismatch, not a blind spot.
    public var iouHistogram: [IoUHistogramBin]
    /// The precision–recall curve at IoU 0.5 (at most 200 points, by descending score), for
    /// `veil evaluate --plots`; nil in reports written before it was added.
    public var precisionRecallCurve: [PrecisionRecallCurve.Point]?

    /// Metrics of one class.
    public init(
        groundTruthCount: Int, ignoredCount: Int, truePositives: Int, falsePositives: Int, falseNegatives: Int,
        ignoredDetections: Int, precision: Double?, recall: Double?, f1: Double?, averagePrecision50: Double?,
        meanAveragePrecision: Double?, averagePrecisionByIoU: [IoUAveragePrecision], coverageRecall: Double?,
        falsePositivesPerImage: Double, falsePositivesPerHour: Double?, sizeBuckets: [SizeBucketMetrics],
        iouHistogram: [IoUHistogramBin], precisionRecallCurve: [PrecisionRecallCurve.Point]? = nil
    ) {
        self.groundTruthCount = groundTruthCount
        self.ignoredCount = ignoredCount
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.ignoredDetections = ignoredDetections
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.averagePrecision50 = averagePrecision50
        self.meanAveragePrecision = meanAveragePrecision
        self.averagePrecisionByIoU = averagePrecisionByIoU
        self.coverageRecall = coverageRecall
        self.falsePositivesPerImage = falsePositivesPerImage
        self.falsePositivesPerHour = falsePositivesPerHour
        self.sizeBuckets = sizeBuckets
        self.iouHistogram = iouHistogram
        self.precisionRecallCurve = precisionRecallCurve
    }

    enum CodingKeys: String, CodingKey {
        case groundTruthCount, ignoredCount, truePositives, falsePositives, falseNegatives, ignoredDetections
        case precision, recall, f1
        case averagePrecision50 = "ap50"
        case meanAveragePrecision = "map"
        case averagePrecisionByIoU = "apByIoU"
        case coverageRecall, falsePositivesPerImage, falsePositivesPerHour, sizeBuckets, iouHistogram
        case precisionRecallCurve
    }

    /// Encodes undefined metrics as `null` so every report has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(groundTruthCount, forKey: .groundTruthCount)
        try container.encode(ignoredCount, forKey: .ignoredCount)
        try container.encode(truePositives, forKey: .truePositives)
        try container.encode(falsePositives, forKey: .falsePositives)
        try container.encode(falseNegatives, forKey: .falseNegatives)
        try container.encode(ignoredDetections, forKey: .ignoredDetections)
        try container.encode(precision, forKey: .precision)
        try container.encode(recall, forKey: .recall)
        try container.encode(f1, forKey: .f1)
        try container.encode(averagePrecision50, forKey: .averagePrecision50)
        try container.encode(meanAveragePrecision, forKey: .meanAveragePrecision)
        try container.encode(averagePrecisionByIoU, forKey: .averagePrecisionByIoU)
        try container.encode(coverageRecall, forKey: .coverageRecall)
        try container.encode(falsePositivesPerImage, forKey: .falsePositivesPerImage)
        try container.encode(falsePositivesPerHour, forKey: .falsePositivesPerHour)
        try container.encode(sizeBuckets, forKey: .sizeBuckets)
        try container.encode(iouHistogram, forKey: .iouHistogram)
        try container.encodeIfPresent(precisionRecallCurve, forKey: .precisionRecallCurve)
    }
}

/// The average precision at one IoU threshold.
public struct IoUAveragePrecision: Hashable, Sendable, Codable {
    /// The IoU a match needs.
    public var iouThreshold: Double
    /// Nil when the class has no scored ground truth.
    public var averagePrecision: Double?

    /// AP at one IoU.
    public init(iouThreshold: Double, averagePrecision: Double?) {
        self.iouThreshold = iouThreshold
        self.averagePrecision = averagePrecision
    }

    /// Encodes a missing AP as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iouThreshold, forKey: .iouThreshold)
        try container.encode(averagePrecision, forKey: .averagePrecision)
    }
}
