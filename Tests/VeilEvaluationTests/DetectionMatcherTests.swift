import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct DetectionMatcherTests {
    let matcher = DetectionMatcher(iouThreshold: 0.5)

    func face(_ x: Double, _ y: Double = 0, size: Double = 10, score: Double = 0.9) -> Detection {
        Detection(objectClass: .face, box: Box(x: x, y: y, width: size, height: size), score: score)
    }

    func object(_ x: Double, _ y: Double = 0, size: Double = 10, ignore: IgnoreReason? = nil) -> GroundTruthObject {
        GroundTruthObject(objectClass: .face, box: Box(x: x, y: y, width: size, height: size), ignoreReason: ignore)
    }

    @Test func exactBoxesMatch() {
        let outcomes = matcher.match(detections: [face(0), face(50)], groundTruth: [object(50), object(0)])
        #expect(outcomes == [.truePositive(groundTruthIndex: 1, iou: 1), .truePositive(groundTruthIndex: 0, iou: 1)])
    }

    @Test func secondDetectionOfOneObjectIsFalsePositive() {
        // The higher score takes the object even though it is listed second.
        let outcomes = matcher.match(detections: [face(1, score: 0.6), face(0, score: 0.8)], groundTruth: [object(0)])
        #expect(outcomes == [.falsePositive, .truePositive(groundTruthIndex: 0, iou: 1)])
    }

    @Test func tiedScoresAreTakenInTheGivenOrder() {
        let outcomes = matcher.match(detections: [face(1, score: 0.7), face(0, score: 0.7)], groundTruth: [object(0)])
        // IoU of a 10 px box shifted by 1 px: 9·10 / (200 − 90) = 90/110.
        #expect(outcomes == [.truePositive(groundTruthIndex: 0, iou: 90.0 / 110), .falsePositive])
    }

    @Test func thresholdIsInclusive() {
        // A 20 × 10 detection around a 10 × 10 object: IoU = 100 / 200 = 0.5 exactly.
        let detection = Detection(objectClass: .face, box: Box(x: 0, y: 0, width: 20, height: 10), score: 0.9)
        #expect(
            matcher.match(detections: [detection], groundTruth: [object(0)]) == [
                .truePositive(groundTruthIndex: 0, iou: 0.5)
            ])
        #expect(
            DetectionMatcher(iouThreshold: 0.51).match(detections: [detection], groundTruth: [object(0)]) == [
                .falsePositive
            ])
    }

    @Test func detectionTakesTheObjectItOverlapsMost() {
        // Objects at x = 0 and x = 4; a detection at x = 3 overlaps them by 70/130 and 90/110.
        let outcomes = matcher.match(detections: [face(3)], groundTruth: [object(0), object(4)])
        #expect(outcomes == [.truePositive(groundTruthIndex: 1, iou: 90.0 / 110)])
    }

    @Test func ignoredObjectsAbsorbDetectionsWithoutBeingMissed() {
        let ignored = object(100, size: 40, ignore: .crowd)
        let outcomes = matcher.match(
            detections: [face(100, size: 40), face(110, 10, size: 10), face(100, size: 40, score: 0.5), face(200)],
            groundTruth: [ignored]
        )
        // Same box (IoU 1), a small box inside it (IoU 100/1600 but fully inside), a duplicate, and one elsewhere.
        #expect(outcomes == [.ignored, .ignored, .ignored, .falsePositive])
    }

    @Test func scoredObjectsAreMatchedBeforeIgnoredOnes() {
        let outcomes = matcher.match(
            detections: [face(0)],
            groundTruth: [object(0, ignore: .belowMinimumSize), object(1)]
        )
        #expect(outcomes == [.truePositive(groundTruthIndex: 1, iou: 90.0 / 110)])
    }
}
