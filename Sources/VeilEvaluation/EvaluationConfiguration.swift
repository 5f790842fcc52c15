public import VeilGeometry

/// The settings of one evaluation: thresholds, size filter and report layout.
///
/// The defaults follow the field's conventions (IoU 0.5, COCO's ten IoU thresholds, COCO's
/// small/medium split at 32 and 96 px) so that numbers compare with published ones; change
/// them when the annotation style asks (dlib's tight boxes score better at IoU 0.3).
public struct EvaluationConfiguration: Hashable, Sendable, Codable {
    /// Score at or above which a detection counts for precision, recall, F1, false positives per
    /// image and the IoU histogram. Average precision always uses every detection.
    public static let defaultScoreThreshold = 0.5
    /// The PASCAL VOC overlap criterion, used by WIDER FACE and COCO's AP50.
    public static let defaultIoUThreshold = 0.5
    /// COCO's 0.50, 0.55, …, 0.95, over which mAP is averaged.
    public static let cocoIoUThresholds: [Double] = (0..<10).map { Double(50 + 5 * $0) / 100 }
    /// A box counts as covered when this fraction of it lies under masks: 90 % hides a face's
    /// identifying features while tolerating a mask that trims a corner of a generous box.
    public static let defaultCoverageThreshold = 0.9
    /// Grid samples per side when measuring coverage: 24² points estimate the covered
    /// fraction to about ±0.5 % for an ellipse, cheaply enough for thousands of boxes.
    public static let defaultCoverageSamples = 24
    /// Shorter-side edges of the size buckets in pixels: below 16 px faces are hard for every
    /// detector; 32 and 96 are COCO's small/medium/large edges (as √area there).
    public static let defaultSizeBucketEdges: [Double] = [16, 32, 96]
    /// IoU histogram bins of width 0.1 over 0…1.
    public static let defaultHistogramBinCount = 10
    /// A plate detection matches a labelled plate when it holds this fraction of the plate's
    /// box, as coverage recall counts a plate: plate boxes are the masks, ~1.8 × the plate on
    /// purpose, so at IoU 0.5 a mask that hides its plate entirely was often a false positive.
    public static let defaultPlateMatchCoverage = 0.9

    /// See ``defaultScoreThreshold``. Raising it trades recall for fewer false positives.
    public var scoreThreshold: Double
    /// IoU at which a detection matches an object for precision, recall and F1 (every class
    /// but plates while ``plateMatchCoverage`` is set).
    public var iouThreshold: Double
    /// See ``defaultPlateMatchCoverage``; plates are matched by it at every threshold (AP, mAP,
    /// precision, recall), and a plate detection that matches nothing is a false positive only
    /// when it touches no labelled plate. nil matches plates by IoU like every other class.
    public var plateMatchCoverage: Double?
    /// The IoU thresholds whose average precisions are averaged into mAP.
    public var meanAveragePrecisionIoUThresholds: [Double]
    /// How the precision–recall curve becomes average precision.
    public var interpolation: AveragePrecisionInterpolation
    /// Objects whose shorter side is below this many pixels are moved to ignored: detections of
    /// them are neither right nor wrong. 0 scores every object.
    public var minimumObjectSize: Double
    /// See ``defaultCoverageThreshold``.
    public var coverageThreshold: Double
    /// See ``defaultCoverageSamples``.
    public var coverageSamples: Int
    /// See ``defaultSizeBucketEdges``; must be increasing. *n* edges make *n* + 1 buckets.
    public var sizeBucketEdges: [Double]
    /// See ``defaultHistogramBinCount``.
    public var histogramBinCount: Int
    /// Frames per second when the images are frames of a video: adds false positives per hour.
    public var framesPerSecond: Double?
    /// The classes to report, or nil for every class the dataset annotates. A detector's output
    /// for other classes is not scored (a plate set does not annotate faces).
    public var classes: [ObjectClass]?

    /// A configuration.
    public init(
        scoreThreshold: Double = defaultScoreThreshold,
        iouThreshold: Double = defaultIoUThreshold,
        meanAveragePrecisionIoUThresholds: [Double] = cocoIoUThresholds,
        interpolation: AveragePrecisionInterpolation = .allPoint,
        minimumObjectSize: Double = 0,
        coverageThreshold: Double = defaultCoverageThreshold,
        coverageSamples: Int = defaultCoverageSamples,
        sizeBucketEdges: [Double] = defaultSizeBucketEdges,
        histogramBinCount: Int = defaultHistogramBinCount,
        framesPerSecond: Double? = nil,
        classes: [ObjectClass]? = nil,
        plateMatchCoverage: Double? = defaultPlateMatchCoverage
    ) {
        self.plateMatchCoverage = plateMatchCoverage
        self.scoreThreshold = scoreThreshold
        self.iouThreshold = iouThreshold
        self.meanAveragePrecisionIoUThresholds = meanAveragePrecisionIoUThresholds
        self.interpolation = interpolation
        self.minimumObjectSize = minimumObjectSize
        self.coverageThreshold = coverageThreshold
        self.coverageSamples = coverageSamples
        self.sizeBucketEdges = sizeBucketEdges
        self.histogramBinCount = histogramBinCount
        self.framesPerSecond = framesPerSecond
        self.classes = classes
    }

    /// How detections of `objectClass` match its objects at `iouThreshold`.
    public func matchCriterion(for objectClass: ObjectClass, iouThreshold: Double) -> MatchCriterion {
        if objectClass == .plate, let plateMatchCoverage { return .objectCoverage(plateMatchCoverage) }
        return .iou(iouThreshold)
    }

    /// Rejects settings that would make the metrics meaningless.
    public func validate() throws(EvaluationError) {
        let unitInterval = 0.0...1.0
        func require(_ condition: Bool, _ reason: String) throws(EvaluationError) {
            if !condition { throw .invalidConfiguration(reason: reason) }
        }
        try require(iouThreshold > 0 && iouThreshold <= 1, "IoU threshold \(iouThreshold) is not in (0, 1]")
        try require(!meanAveragePrecisionIoUThresholds.isEmpty, "mAP needs at least one IoU threshold")
        try require(
            meanAveragePrecisionIoUThresholds.allSatisfy { $0 > 0 && $0 <= 1 },
            "mAP IoU thresholds \(meanAveragePrecisionIoUThresholds) are not all in (0, 1]"
        )
        if let plateMatchCoverage {
            try require(
                plateMatchCoverage > 0 && plateMatchCoverage <= 1,
                "plate match coverage \(plateMatchCoverage) is not in (0, 1]")
        }
        try require(scoreThreshold.isFinite, "score threshold \(scoreThreshold) is not a number")
        try require(
            unitInterval.contains(coverageThreshold), "coverage threshold \(coverageThreshold) is not in [0, 1]")
        try require(coverageSamples > 0, "coverage samples \(coverageSamples) must be positive")
        try require(minimumObjectSize >= 0, "minimum object size \(minimumObjectSize) is negative")
        try require(
            zip(sizeBucketEdges, sizeBucketEdges.dropFirst()).allSatisfy { $0 < $1 }
                && sizeBucketEdges.allSatisfy { $0 > 0 },
            "size bucket edges \(sizeBucketEdges) must be positive and increasing"
        )
        try require(histogramBinCount > 0, "histogram bin count \(histogramBinCount) must be positive")
        if let framesPerSecond {
            try require(
                framesPerSecond > 0 && framesPerSecond.isFinite, "frame rate \(framesPerSecond) must be positive")
        }
    }
}
