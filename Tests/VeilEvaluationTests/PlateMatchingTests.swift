import Testing
import VeilEvaluation
import VeilGeometry

/// Plates are matched by how much of the plate a detection (a mask) holds, not by IoU.
@Suite struct PlateMatchingTests {
    /// A 100 × 25 plate at (x, y).
    static func plate(_ x: Double, _ y: Double) -> Box { Box(x: x, y: y, width: 100, height: 25) }

    /// The plate's mask as the detector draws it: 0.6 text heights left and right, 0.5 above,
    /// 0.2 below (≈ 1.8 × the plate's area; IoU with the plate ≈ 0.5).
    static func mask(around plate: Box) -> Box {
        Box(minX: plate.minX - 30, minY: plate.minY - 12, maxX: plate.maxX + 30, maxY: plate.maxY + 6)
    }

    static func detection(_ box: Box, score: Double = 0.8) -> Detection {
        Detection(objectClass: .plate, box: box, score: score)
    }

    @Test func aMaskLargerThanThePlateMatchesIt() {
        let plate = Self.plate(100, 100)
        let mask = Self.mask(around: plate)
        #expect(mask.iou(plate) < 0.5)
        let outcomes = DetectionMatcher(criterion: .objectCoverage(0.9)).match(
            detections: [Self.detection(mask)],
            groundTruth: [GroundTruthObject(objectClass: .plate, box: plate)])
        #expect(outcomes == [.truePositive(groundTruthIndex: 0, iou: mask.iou(plate))])
        // By IoU 0.5 the same mask was a false positive and the plate a miss.
        #expect(
            DetectionMatcher(iouThreshold: 0.5).match(
                detections: [Self.detection(mask)],
                groundTruth: [GroundTruthObject(objectClass: .plate, box: plate)]) == [.falsePositive])
    }

    @Test func partialAndSecondMasksOnAPlateAreNeitherHitsNorFalseMasks() {
        let plate = Self.plate(100, 100)
        // Left 80 % of the plate: below 90 %, touches the plate.
        let partial = Box(x: 90, y: 95, width: 90, height: 35)
        let outcomes = DetectionMatcher(criterion: .objectCoverage(0.9)).match(
            detections: [Self.detection(Self.mask(around: plate), score: 0.9), Self.detection(partial, score: 0.7)],
            groundTruth: [GroundTruthObject(objectClass: .plate, box: plate)])
        #expect(outcomes.first?.isTruePositive == true)
        #expect(outcomes.last == .ignored)
    }

    @Test func evaluateCountsFalseMasksOnlyWhereNoPlateIs() throws {
        let plates = [Self.plate(100, 100), Self.plate(500, 400)]
        let sign = Box(x: 700, y: 50, width: 120, height: 40)
        let dataset = EvaluationDataset(images: [
            AnnotatedImage(
                image: "a", size: PixelSize(width: 1000, height: 800),
                objects: plates.map { GroundTruthObject(objectClass: .plate, box: $0) })
        ])
        let prediction = ImagePrediction(
            image: "a",
            detections: [Self.detection(Self.mask(around: plates[0])), Self.detection(sign, score: 0.6)],
            maskRegions: nil)
        let report = try Evaluator().evaluate(dataset: dataset, predictions: [prediction])
        let metrics = try #require(report.classes[.plate])
        #expect((metrics.truePositives, metrics.falsePositives, metrics.falseNegatives) == (1, 1, 1))
        #expect(metrics.falsePositivesPerImage == 1)
        #expect(metrics.recall == 0.5)
        #expect(report.formattedTable().contains("plates match when ≥ 90 % inside a detection"))

        // nil: plates matched at IoU 0.5 like faces; the mask on the plate turns into a false positive.
        let byIoU = try Evaluator(configuration: EvaluationConfiguration(plateMatchCoverage: nil))
            .evaluate(dataset: dataset, predictions: [prediction])
        let old = try #require(byIoU.classes[.plate])
        #expect((old.truePositives, old.falsePositives) == (0, 2))
    }

    @Test func coverageOutsideTheUnitIntervalIsRejected() {
        #expect(throws: EvaluationError.self) {
            try EvaluationConfiguration(plateMatchCoverage: 1.5).validate()
        }
    }
}
