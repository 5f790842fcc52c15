import VeilGeometry

/// Scores a detector's predictions against a dataset's ground truth.
///
/// For each class, in order:
/// 1. move objects below the minimum size to ignored;
/// 2. match detections to objects per image, greedily by score (``DetectionMatcher``), once
///    per IoU threshold (plates: by how much of the plate a detection holds, see
///    ``EvaluationConfiguration/plateMatchCoverage``);
/// 3. pool the matches of all images into a precision–recall curve per threshold and take
///    average precision (AP50 and the mean over the mAP thresholds);
/// 4. at the configured score and IoU thresholds count TP, FP and FN for precision, recall,
///    F1, false positives per image and recall by size;
/// 5. measure how much of each object the supplied mask regions cover.
///
/// ```swift
/// let evaluator = Evaluator(configuration: EvaluationConfiguration(iouThreshold: 0.3))
/// let report = try evaluator.evaluate(dataset: dataset, predictions: predictions)
/// print(report.formattedTable())
/// ```
public struct Evaluator: Hashable, Sendable {
    /// Thresholds and classes.
    public var configuration: EvaluationConfiguration

    /// The IoU of COCO's and PASCAL VOC's headline average precision.
    static let averagePrecision50IoU = 0.5
    static let secondsPerHour = 3600.0

    /// An evaluator.
    public init(configuration: EvaluationConfiguration = EvaluationConfiguration()) {
        self.configuration = configuration
    }

    /// The report for these predictions; images without a prediction count as having no
    /// detections.
    ///
    /// - Throws: ``EvaluationError/invalidConfiguration(reason:)``, or an error naming a
    ///   prediction for an image the dataset lacks or a second prediction for one image.
    /// - Complexity: O(*t* × Σ *dᵢ* × *gᵢ* + *n* log *n*) for *t* IoU thresholds, *dᵢ*
    ///   detections and *gᵢ* objects in image *i* and *n* detections in all, plus
    ///   O(*g* × *samples*² × *r*) for coverage of *g* objects by *r* regions per image.
    public func evaluate(dataset: EvaluationDataset, predictions: [ImagePrediction]) throws(EvaluationError)
        -> EvaluationReport
    {
        try configuration.validate()
        let scored = dataset.ignoringObjects(shorterThan: configuration.minimumObjectSize)
        let imageNames = Set(scored.images.map(\.image))
        var predictionByImage: [String: ImagePrediction] = [:]
        for prediction in predictions {
            guard imageNames.contains(prediction.image) else {
                throw .predictionForUnknownImage(image: prediction.image)
            }
            guard predictionByImage.updateValue(prediction, forKey: prediction.image) == nil else {
                throw .duplicatePrediction(image: prediction.image)
            }
        }
        let hasMasks = predictions.contains { $0.maskRegions != nil }

        var classes: [ObjectClass: ClassMetrics] = [:]
        for objectClass in configuration.classes ?? scored.annotatedClasses {
            let images = scored.images.map { image in
                let prediction = predictionByImage[image.image]
                return ClassImage(
                    objects: image.objects(of: objectClass),
                    detections: prediction?.detections.filter { $0.objectClass == objectClass } ?? [],
                    maskRegions: prediction?.maskRegions ?? []
                )
            }
            classes[objectClass] = metrics(of: images, objectClass: objectClass, hasMasks: hasMasks)
        }
        return EvaluationReport(
            imageCount: scored.images.count,
            classes: classes,
            timing: TimingSummary(seconds: predictions.compactMap(\.elapsedSeconds)),
            configuration: configuration
        )
    }

    /// One image's ground truth, detections and masks, restricted to one class (masks are not
    /// restricted: any mask hides what lies under it).
    private struct ClassImage {
        var objects: [GroundTruthObject]
        var detections: [Detection]
        var maskRegions: [MaskRegion]
    }

    /// The metrics of one class.
    private func metrics(of images: [ClassImage], objectClass: ObjectClass, hasMasks: Bool) -> ClassMetrics {
        let groundTruthCount = images.reduce(0) { $0 + $1.objects.count { !$0.isIgnored } }
        let ignoredCount = images.reduce(0) { $0 + $1.objects.count(where: \.isIgnored) }

        // Steps 2–3: average precision at every threshold.
        let averagePrecisionByIoU = configuration.meanAveragePrecisionIoUThresholds.map { threshold in
            IoUAveragePrecision(
                iouThreshold: threshold,
                averagePrecision: curve(
                    of: images, criterion: configuration.matchCriterion(for: objectClass, iouThreshold: threshold),
                    groundTruthCount: groundTruthCount
                )
                .averagePrecision(configuration.interpolation)
            )
        }
        let curve50 = curve(
            of: images,
            criterion: configuration.matchCriterion(for: objectClass, iouThreshold: Self.averagePrecision50IoU),
            groundTruthCount: groundTruthCount)
        let averagePrecision50 =
            averagePrecisionByIoU.first { $0.iouThreshold == Self.averagePrecision50IoU }?.averagePrecision
            ?? curve50.averagePrecision(configuration.interpolation)
        let precisions = averagePrecisionByIoU.compactMap(\.averagePrecision)
        let meanAveragePrecision = precisions.isEmpty ? nil : precisions.reduce(0, +) / Double(precisions.count)

        // Steps 4–5: the operating point, object by object.
        let matcher = DetectionMatcher(
            criterion: configuration.matchCriterion(for: objectClass, iouThreshold: configuration.iouThreshold))
        var truePositives = 0
        var falsePositives = 0
        var ignoredDetections = 0
        var objectResults: [ObjectResult] = []
        for image in images {
            let outcomes = matcher.match(detections: image.detections, groundTruth: image.objects)
            var matchedObjects = Set<Int>()
            for (detection, outcome) in zip(image.detections, outcomes)
            where detection.score >= configuration.scoreThreshold {
                switch outcome {
                case .truePositive(let objectIndex, _):
                    truePositives += 1
                    matchedObjects.insert(objectIndex)
                case .falsePositive:
                    falsePositives += 1
                case .ignored:
                    ignoredDetections += 1
                }
            }
            let confident = image.detections.filter { $0.score >= configuration.scoreThreshold }
            for (objectIndex, object) in image.objects.enumerated() where !object.isIgnored {
                objectResults.append(
                    ObjectResult(
                        shortSide: object.box.shortSide,
                        isMatched: matchedObjects.contains(objectIndex),
                        isCovered: hasMasks
                            && image.maskRegions.coverage(of: object.box, samples: configuration.coverageSamples)
                                >= configuration.coverageThreshold,
                        bestIoU: confident.map { $0.box.iou(object.box) }.max() ?? 0
                    ))
            }
        }

        let falseNegatives = groundTruthCount - truePositives
        let falsePositivesPerImage = images.isEmpty ? 0 : Double(falsePositives) / Double(images.count)
        return ClassMetrics(
            groundTruthCount: groundTruthCount,
            ignoredCount: ignoredCount,
            truePositives: truePositives,
            falsePositives: falsePositives,
            falseNegatives: falseNegatives,
            ignoredDetections: ignoredDetections,
            precision: Self.ratio(truePositives, truePositives + falsePositives),
            recall: Self.ratio(truePositives, groundTruthCount),
            f1: Self.ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives),
            averagePrecision50: averagePrecision50,
            meanAveragePrecision: meanAveragePrecision,
            averagePrecisionByIoU: averagePrecisionByIoU,
            coverageRecall: hasMasks ? Self.ratio(objectResults.count(where: \.isCovered), groundTruthCount) : nil,
            falsePositivesPerImage: falsePositivesPerImage,
            falsePositivesPerHour: configuration.framesPerSecond.map {
                falsePositivesPerImage * $0 * Self.secondsPerHour
            },
            sizeBuckets: sizeBuckets(of: objectResults, hasMasks: hasMasks),
            iouHistogram: IoUHistogramBin.bins(
                counting: objectResults.map(\.bestIoU), binCount: configuration.histogramBinCount),
            precisionRecallCurve: curve50.thinned(toAtMost: Self.plottedCurvePoints)
        )
    }

    /// The most points of a precision–recall curve kept in a report (enough for a plot).
    static let plottedCurvePoints = 200

    /// What happened to one scored object at the operating point.
    private struct ObjectResult {
        var shortSide: Double
        var isMatched: Bool
        var isCovered: Bool
        var bestIoU: Double
    }

    /// The precision–recall curve of one class at one match criterion, over all images.
    private func curve(of images: [ClassImage], criterion: MatchCriterion, groundTruthCount: Int)
        -> PrecisionRecallCurve
    {
        let matcher = DetectionMatcher(criterion: criterion)
        var outcomes: [PrecisionRecallCurve.Outcome] = []
        for image in images {
            let matches = matcher.match(detections: image.detections, groundTruth: image.objects)
            for (detection, match) in zip(image.detections, matches) where match != .ignored {
                outcomes.append(
                    PrecisionRecallCurve.Outcome(score: detection.score, isTruePositive: match.isTruePositive))
            }
        }
        return PrecisionRecallCurve(outcomes: outcomes, groundTruthCount: groundTruthCount)
    }

    /// Recall and coverage recall per shorter-side bucket.
    private func sizeBuckets(of results: [ObjectResult], hasMasks: Bool) -> [SizeBucketMetrics] {
        let edges = configuration.sizeBucketEdges
        let lowerEdges = [0] + edges
        return lowerEdges.indices.map { index in
            let lower = lowerEdges[index]
            let upper = index < edges.count ? edges[index] : nil
            let members = results.filter { $0.shortSide >= lower && $0.shortSide < (upper ?? .infinity) }
            let matched = members.count(where: \.isMatched)
            let label =
                if let upper {
                    index == 0 ? "<\(Self.format(upper))" : "\(Self.format(lower))-\(Self.format(upper))"
                } else { ">=\(Self.format(lower))" }
            return SizeBucketMetrics(
                label: label,
                minimumSide: lower,
                maximumSide: upper,
                groundTruthCount: members.count,
                truePositives: matched,
                recall: Self.ratio(matched, members.count),
                coverageRecall: hasMasks ? Self.ratio(members.count(where: \.isCovered), members.count) : nil
            )
        }
    }

    /// `numerator / denominator`, nil when the denominator is 0.
    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator > 0 ? Double(numerator) / Double(denominator) : nil
    }

    /// A bucket edge without a needless ".0".
    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
