import Testing
import VeilEvaluation

@Suite struct PrecisionRecallCurveTests {
    typealias Outcome = PrecisionRecallCurve.Outcome

    @Test func handWorkedCurve() throws {
        // 4 ground-truth objects; detections by descending score: TP, FP, TP, FP, TP.
        //   rank  score  TP FP  precision  recall
        //   1     0.9    1  0   1/1 = 1.0  1/4
        //   2     0.8    1  1   1/2 = 0.5  1/4
        //   3     0.7    2  1   2/3        2/4
        //   4     0.6    2  2   2/4 = 0.5  2/4
        //   5     0.5    3  2   3/5 = 0.6  3/4
        // Envelope (max precision at this recall or higher): 1, 2/3, 2/3, 0.6, 0.6.
        // All-point AP = 1/4·1 + (2/4 − 1/4)·2/3 + (3/4 − 2/4)·0.6 = 0.25 + 1/6 + 0.15 = 0.5666…
        // 101-point: recall levels 0…0.25 (26 levels) → 1; 0.26…0.50 (25) → 2/3;
        //   0.51…0.75 (25) → 0.6; 0.76…1 (25) → 0 (beyond the curve).
        //   AP = (26·1 + 25·2/3 + 25·0.6) / 101 = (26 + 16.666… + 15) / 101 = 0.570957…
        let curve = PrecisionRecallCurve(
            outcomes: [
                Outcome(score: 0.7, isTruePositive: true), Outcome(score: 0.9, isTruePositive: true),
                Outcome(score: 0.5, isTruePositive: true), Outcome(score: 0.8, isTruePositive: false),
                Outcome(score: 0.6, isTruePositive: false),
            ],
            groundTruthCount: 4
        )
        #expect(curve.points.map(\.recall) == [0.25, 0.25, 0.5, 0.5, 0.75])
        #expect(isClose(curve.averagePrecision(.allPoint), (0.25 + 1.0 / 6 + 0.15), tolerance: 1e-12))
        let expected101 = (26.0 + 25.0 * 2 / 3 + 25.0 * 0.6) / 101
        #expect(isClose(curve.averagePrecision(.cocoOneHundredOnePoint), expected101, tolerance: 1e-12))
    }

    @Test func perfectRankingScoresOne() {
        let curve = PrecisionRecallCurve(
            outcomes: [Outcome(score: 0.9, isTruePositive: true), Outcome(score: 0.4, isTruePositive: true)],
            groundTruthCount: 2
        )
        #expect(curve.averagePrecision(.allPoint) == 1)
        #expect(curve.averagePrecision(.cocoOneHundredOnePoint) == 1)
    }

    @Test func noDetectionsScoreZeroAndNoGroundTruthIsUndefined() {
        #expect(PrecisionRecallCurve(outcomes: [], groundTruthCount: 3).averagePrecision(.allPoint) == 0)
        let onlyFalse = PrecisionRecallCurve(
            outcomes: [Outcome(score: 0.9, isTruePositive: false)], groundTruthCount: 0)
        #expect(onlyFalse.averagePrecision(.allPoint) == nil)
        #expect(onlyFalse.averagePrecision(.cocoOneHundredOnePoint) == nil)
    }

    @Test func tiedScoresFormOnePointWhateverTheirOrder() throws {
        // One object, two detections at the same score: one TP, one FP. A threshold keeps both or
        // neither, so the only point is recall 1, precision 1/2 → AP = 1 · 0.5 in either order.
        let tp = Outcome(score: 0.7, isTruePositive: true)
        let fp = Outcome(score: 0.7, isTruePositive: false)
        for outcomes in [[tp, fp], [fp, tp]] {
            let curve = PrecisionRecallCurve(outcomes: outcomes, groundTruthCount: 1)
            #expect(curve.points.count == 1)
            #expect(try #require(curve.averagePrecision(.allPoint)) == 0.5)
        }
    }

    @Test func lowPrecisionBeforeHighIsLiftedByTheEnvelope() throws {
        // 2 objects: FP (0.9), TP (0.8), TP (0.7). Points (r, p): (0, 0), (1/2, 1/2), (1, 2/3).
        // Envelope: 2/3, 2/3, 2/3. All-point AP = 1/2·2/3 + 1/2·2/3 = 2/3.
        let curve = PrecisionRecallCurve(
            outcomes: [
                Outcome(score: 0.9, isTruePositive: false), Outcome(score: 0.8, isTruePositive: true),
                Outcome(score: 0.7, isTruePositive: true),
            ],
            groundTruthCount: 2
        )
        #expect(isClose(curve.averagePrecision(.allPoint), 2.0 / 3, tolerance: 1e-12))
        #expect(isClose(curve.averagePrecision(.cocoOneHundredOnePoint), 2.0 / 3, tolerance: 1e-12))
    }
}
