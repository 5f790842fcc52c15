import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct EvaluatorTests {
    static func square(_ x: Double, _ y: Double = 0, _ size: Double = 100) -> Box {
        Box(x: x, y: y, width: size, height: size)
    }

    static func image(_ name: String, _ boxes: [Box], ignored: [Box] = []) -> AnnotatedImage {
        AnnotatedImage(
            image: name,
            size: PixelSize(width: 1000, height: 1000),
            objects: boxes.map { GroundTruthObject(objectClass: .face, box: $0) }
                + ignored.map { GroundTruthObject(objectClass: .face, box: $0, ignoreReason: .annotated) }
        )
    }

    static func prediction(
        _ name: String, _ scored: [(Box, Double)], masks: [MaskRegion]? = nil, seconds: Double? = nil
    )
        -> ImagePrediction
    {
        ImagePrediction(
            image: name,
            detections: scored.map { Detection(objectClass: .face, box: $0.0, score: $0.1) },
            maskRegions: masks,
            elapsedSeconds: seconds
        )
    }

    func faces(_ report: EvaluationReport) throws -> ClassMetrics {
        try #require(report.classes[.face])
    }

    @Test func perfectDetectorScoresOne() throws {
        let dataset = EvaluationDataset(images: [
            Self.image("a", [Self.square(0), Self.square(200)]), Self.image("b", [Self.square(500, 500, 20)]),
        ])
        let report = try Evaluator().evaluate(
            dataset: dataset,
            predictions: [
                Self.prediction("a", [(Self.square(0), 0.9), (Self.square(200), 0.8)]),
                Self.prediction("b", [(Self.square(500, 500, 20), 0.7)]),
            ])
        let metrics = try faces(report)
        #expect(metrics.groundTruthCount == 3)
        #expect((metrics.truePositives, metrics.falsePositives, metrics.falseNegatives) == (3, 0, 0))
        #expect(metrics.precision == 1 && metrics.recall == 1 && metrics.f1 == 1)
        #expect(metrics.averagePrecision50 == 1 && metrics.meanAveragePrecision == 1)
        #expect(metrics.falsePositivesPerImage == 0)
        #expect(metrics.coverageRecall == nil)  // no masks supplied
        // Every object has best IoU 1 → last bin [0.9, 1].
        #expect(metrics.iouHistogram.map(\.count) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 3])
        #expect(report.imageCount == 2)
    }

    @Test func noDetectionsScoreZero() throws {
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)])])
        let metrics = try faces(Evaluator().evaluate(dataset: dataset, predictions: []))
        #expect(metrics.averagePrecision50 == 0 && metrics.meanAveragePrecision == 0)
        #expect(metrics.recall == 0)
        #expect(metrics.precision == nil)  // 0 / 0: no detections
        #expect(metrics.f1 == 0)  // 2·0 / (0 + 0 + 1)
        #expect(metrics.falseNegatives == 1)
        #expect(metrics.iouHistogram.first?.count == 1)
    }

    @Test func emptyImagesCountTowardsFalsePositivesPerImage() throws {
        // 4 images, one object; a false positive on an empty image: FP/image = 1/4.
        let dataset = EvaluationDataset(images: [
            Self.image("a", [Self.square(0)]), Self.image("b", []), Self.image("c", []), Self.image("d", []),
        ])
        let report = try Evaluator(configuration: EvaluationConfiguration(framesPerSecond: 25)).evaluate(
            dataset: dataset,
            predictions: [
                Self.prediction("a", [(Self.square(0), 0.9)]), Self.prediction("c", [(Self.square(300), 0.8)]),
            ]
        )
        let metrics = try faces(report)
        #expect(metrics.falsePositivesPerImage == 0.25)
        // 0.25 FP per frame · 25 frames/s · 3600 s/h = 22 500 FP per hour.
        #expect(metrics.falsePositivesPerHour == 22_500)
        #expect(metrics.precision == 0.5 && metrics.recall == 1)
        // F1 = 2·1 / (2·1 + 1 + 0) = 2/3, the harmonic mean of 0.5 and 1.
        #expect(isClose(metrics.f1, 2.0 / 3, tolerance: 1e-12))
        // AP: TP at 0.9 (r 1, p 1), then FP → all-point AP = 1.
        #expect(metrics.averagePrecision50 == 1)
    }

    @Test func emptyDatasetReportsNoClasses() throws {
        let report = try Evaluator().evaluate(
            dataset: EvaluationDataset(images: [Self.image("a", [])]), predictions: [])
        #expect(report.classes.isEmpty)
        let chosen = try Evaluator(configuration: EvaluationConfiguration(classes: [.plate])).evaluate(
            dataset: EvaluationDataset(images: [Self.image("a", [])]), predictions: []
        )
        let plates = try #require(chosen.classes[.plate])
        #expect(plates.groundTruthCount == 0 && plates.averagePrecision50 == nil && plates.recall == nil)
        #expect(plates.f1 == nil && plates.falsePositivesPerImage == 0)
    }

    @Test func duplicateDetectionIsFalsePositive() throws {
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)])])
        let metrics = try faces(
            Evaluator().evaluate(
                dataset: dataset,
                predictions: [
                    Self.prediction("a", [(Self.square(0), 0.9), (Self.square(2), 0.8)])
                ]))
        #expect((metrics.truePositives, metrics.falsePositives) == (1, 1))
        #expect(metrics.precision == 0.5)
        #expect(metrics.averagePrecision50 == 1)  // the FP ranks after the only TP
    }

    @Test func tiedScoresDoNotDependOnOrder() throws {
        // Two images, one object each. Image a: a hit at 0.6. Image b: a miss and a hit, both 0.6.
        // Ranked: one point at 0.6 with TP 2, FP 1 → recall 1, precision 2/3 → AP = 2/3.
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)]), Self.image("b", [Self.square(0)])])
        for order in [
            [(Self.square(600), 0.6), (Self.square(0), 0.6)], [(Self.square(0), 0.6), (Self.square(600), 0.6)],
        ] {
            let metrics = try faces(
                Evaluator().evaluate(
                    dataset: dataset,
                    predictions: [
                        Self.prediction("a", [(Self.square(0), 0.6)]), Self.prediction("b", order),
                    ]))
            #expect(isClose(metrics.averagePrecision50, 2.0 / 3, tolerance: 1e-12))
        }
    }

    @Test func ignoredRegionsAreNeitherHitsNorMisses() throws {
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)], ignored: [Self.square(500)])])
        let metrics = try faces(
            Evaluator().evaluate(
                dataset: dataset,
                predictions: [
                    Self.prediction("a", [(Self.square(500), 0.95), (Self.square(0), 0.9)])
                ]))
        #expect(metrics.groundTruthCount == 1 && metrics.ignoredCount == 1)
        #expect((metrics.truePositives, metrics.falsePositives, metrics.falseNegatives) == (1, 0, 0))
        #expect(metrics.ignoredDetections == 1)
        // Without the ignore rule the 0.95 detection would be an FP ranked first (AP 0.5).
        #expect(metrics.averagePrecision50 == 1)
    }

    @Test func minimumSizeMovesSmallObjectsToIgnored() throws {
        // Objects of 8, 15 and 40 px; minimum 16 px ignores two. The detector finds the 8 px one
        // (ignored: no TP) and the 40 px one; the 15 px one is missed but not counted.
        let dataset = EvaluationDataset(images: [
            Self.image("a", [Self.square(0, 0, 8), Self.square(100, 0, 15), Self.square(200, 0, 40)])
        ])
        let predictions = [Self.prediction("a", [(Self.square(0, 0, 8), 0.9), (Self.square(200, 0, 40), 0.8)])]
        let filtered = try faces(
            Evaluator(configuration: EvaluationConfiguration(minimumObjectSize: 16))
                .evaluate(dataset: dataset, predictions: predictions))
        #expect((filtered.groundTruthCount, filtered.ignoredCount) == (1, 2))
        #expect((filtered.truePositives, filtered.falsePositives, filtered.falseNegatives) == (1, 0, 0))
        #expect(filtered.recall == 1)
        let unfiltered = try faces(Evaluator().evaluate(dataset: dataset, predictions: predictions))
        #expect(isClose(unfiltered.recall, 2.0 / 3, tolerance: 1e-12))
    }

    @Test func meanAveragePrecisionAveragesTheThresholds() throws {
        // A 100 px box shifted right by 16 px: IoU = 84·100 / (2·10 000 − 8 400) = 84/116 ≈ 0.724.
        // It is a TP at IoU 0.50, 0.55, 0.60, 0.65, 0.70 (AP 1) and an FP at 0.75 … 0.95 (AP 0):
        // mAP = (5·1 + 5·0) / 10 = 0.5.
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)])])
        let metrics = try faces(
            Evaluator().evaluate(
                dataset: dataset,
                predictions: [
                    Self.prediction("a", [(Self.square(16), 0.9)])
                ]))
        #expect(metrics.averagePrecision50 == 1)
        #expect(metrics.averagePrecisionByIoU.map(\.averagePrecision) == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
        #expect(metrics.averagePrecisionByIoU.map(\.iouThreshold) == EvaluationConfiguration.cocoIoUThresholds)
        #expect(metrics.meanAveragePrecision == 0.5)
        // Best IoU 0.724 falls in the [0.7, 0.8) bin.
        #expect(metrics.iouHistogram[7].count == 1)
    }

    @Test func averagePrecisionOverImages() throws {
        // The hand-worked curve of PrecisionRecallCurveTests spread over two images:
        // 4 objects; detections 0.9 TP, 0.8 FP, 0.7 TP, 0.6 FP, 0.5 TP → all-point AP = 0.25 + 1/6 + 0.15.
        let dataset = EvaluationDataset(images: [
            Self.image("a", [Self.square(0), Self.square(200)]), Self.image("b", [Self.square(0), Self.square(200)]),
        ])
        let report = try Evaluator(configuration: EvaluationConfiguration(scoreThreshold: 0.65)).evaluate(
            dataset: dataset,
            predictions: [
                Self.prediction("a", [(Self.square(0), 0.9), (Self.square(600), 0.8), (Self.square(200), 0.5)]),
                Self.prediction("b", [(Self.square(0), 0.7), (Self.square(600), 0.6)]),
            ]
        )
        let metrics = try faces(report)
        #expect(isClose(metrics.averagePrecision50, (0.25 + 1.0 / 6 + 0.15), tolerance: 1e-12))
        // At score ≥ 0.65: TP 2 (0.9, 0.7), FP 1 (0.8), FN 2 → P 2/3, R 1/2, F1 4/7.
        #expect((metrics.truePositives, metrics.falsePositives, metrics.falseNegatives) == (2, 1, 2))
        #expect(isClose(metrics.f1, 4.0 / 7, tolerance: 1e-12))
    }

    @Test func coverageRecallCountsBoxesNinetyPercentUnderMasks() throws {
        // A 100 × 60 box and an ellipse of radii k·50 and k·30 centred on it: scaling x by 1/50 and
        // y by 1/30 turns them into the square [−1, 1]² and a circle of radius k, so the covered
        // fraction is (πk² − 4(k²·acos(1/k) − √(k² − 1))) / 4 for 1 ≤ k ≤ √2:
        // k = 1.0556 → 0.850 (24² grid estimate 0.840), k = 1.1981 → 0.950 (grid 0.958).
        let box = Box(x: 100, y: 100, width: 100, height: 60)
        func ellipse(_ k: Double) -> MaskRegion {
            MaskRegion(
                box: Box(center: box.center, width: 100 * k, height: 60 * k), shape: .ellipse, objectClass: .face)
        }
        #expect(isClose([ellipse(1.0556)].coverage(of: box), 0.85, tolerance: 0.015))
        #expect(isClose([ellipse(1.1981)].coverage(of: box), 0.95, tolerance: 0.015))

        let dataset = EvaluationDataset(images: [
            AnnotatedImage(image: "low", objects: [GroundTruthObject(objectClass: .face, box: box)]),
            AnnotatedImage(image: "high", objects: [GroundTruthObject(objectClass: .face, box: box)]),
            AnnotatedImage(image: "unmasked", objects: [GroundTruthObject(objectClass: .face, box: box)]),
        ])
        let metrics = try faces(
            Evaluator().evaluate(
                dataset: dataset,
                predictions: [
                    Self.prediction("low", [], masks: [ellipse(1.0556)]),
                    Self.prediction("high", [], masks: [ellipse(1.1981)]),
                    Self.prediction("unmasked", []),
                ]))
        #expect(isClose(metrics.coverageRecall, 1.0 / 3, tolerance: 1e-12))
        #expect(metrics.recall == 0)  // no detections: coverage is measured independently

        // Two half masks together cover the box: the union counts, and masks of another class hide it too.
        let halves = [
            MaskRegion(box: Box(x: 100, y: 100, width: 50, height: 60), shape: .box, objectClass: .plate),
            MaskRegion(box: Box(x: 150, y: 100, width: 50, height: 60), shape: .box, objectClass: .face),
        ]
        let union = try faces(
            Evaluator().evaluate(
                dataset: EvaluationDataset(images: [dataset.images[0]]),
                predictions: [Self.prediction("low", [], masks: halves)]
            ))
        #expect(union.coverageRecall == 1)
    }

    @Test func sizeBucketsUseTheShorterSide() throws {
        // Shorter sides 10, 20 (a 20 × 80 plate-like box), 40, 96 (inclusive lower edge), 200.
        let boxes = [
            Box(x: 0, y: 0, width: 10, height: 10), Box(x: 100, y: 0, width: 80, height: 20),
            Self.square(300, 0, 40), Self.square(400, 0, 96), Self.square(600, 0, 200),
        ]
        let dataset = EvaluationDataset(images: [Self.image("a", boxes)])
        let masks = [MaskRegion(box: Self.square(600, 0, 200), shape: .box, objectClass: .face)]
        let metrics = try faces(
            Evaluator().evaluate(
                dataset: dataset,
                predictions: [
                    Self.prediction("a", [(boxes[1], 0.9), (boxes[4], 0.9)], masks: masks)
                ]))
        #expect(metrics.sizeBuckets.map(\.label) == ["<16", "16-32", "32-96", ">=96"])
        #expect(metrics.sizeBuckets.map(\.groundTruthCount) == [1, 1, 1, 2])
        #expect(metrics.sizeBuckets.map(\.recall) == [0, 1, 0, 0.5])
        #expect(metrics.sizeBuckets.map(\.coverageRecall) == [0, 0, 0, 0.5])
        #expect(metrics.sizeBuckets.last?.maximumSide == nil)
    }

    @Test func timingSummarisesCallerMeasurements() throws {
        let dataset = EvaluationDataset(images: ["a", "b", "c", "d"].map { Self.image($0, []) })
        let report = try Evaluator().evaluate(
            dataset: dataset,
            predictions: [
                Self.prediction("a", [], seconds: 0.010), Self.prediction("b", [], seconds: 0.020),
                Self.prediction("c", [], seconds: 0.030), Self.prediction("d", [], seconds: 0.040),
            ])
        let timing = try #require(report.timing)
        // Mean 25 ms; median (20 + 30) / 2 = 25 ms; p95 nearest rank ⌈0.95·4⌉ = 4th = 40 ms;
        // throughput 4 images / 0.1 s = 40 images/s.
        #expect(isClose(timing.meanMilliseconds, 25, tolerance: 1e-9))
        #expect(isClose(timing.medianMilliseconds, 25, tolerance: 1e-9))
        #expect(isClose(timing.percentile95Milliseconds, 40, tolerance: 1e-9))
        #expect(isClose(timing.imagesPerSecond, 40, tolerance: 1e-9))
        #expect(try Evaluator().evaluate(dataset: dataset, predictions: []).timing == nil)
    }

    @Test func otherClassesAreNotScored() throws {
        let dataset = EvaluationDataset(images: [Self.image("a", [Self.square(0)])])
        let prediction = ImagePrediction(
            image: "a",
            detections: [
                Detection(objectClass: .face, box: Self.square(0), score: 0.9),
                Detection(objectClass: .plate, box: Self.square(0), score: 0.9),
            ])
        let report = try Evaluator().evaluate(dataset: dataset, predictions: [prediction])
        #expect(Array(report.classes.keys) == [.face])
        #expect(try faces(report).precision == 1)
    }

    @Test func rejectsPredictionsThatDoNotFitTheDataset() {
        let dataset = EvaluationDataset(images: [Self.image("a", [])])
        #expect(throws: EvaluationError.predictionForUnknownImage(image: "z")) {
            try Evaluator().evaluate(dataset: dataset, predictions: [Self.prediction("z", [])])
        }
        #expect(throws: EvaluationError.duplicatePrediction(image: "a")) {
            try Evaluator().evaluate(
                dataset: dataset, predictions: [Self.prediction("a", []), Self.prediction("a", [])])
        }
        #expect(throws: EvaluationError.self) {
            try Evaluator(configuration: EvaluationConfiguration(iouThreshold: 0)).evaluate(
                dataset: dataset, predictions: [])
        }
        #expect(throws: EvaluationError.self) {
            try Evaluator(configuration: EvaluationConfiguration(sizeBucketEdges: [32, 16])).evaluate(
                dataset: dataset, predictions: [])
        }
    }
}
