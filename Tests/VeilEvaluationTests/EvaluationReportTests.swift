import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct EvaluationReportTests {
    func sampleReport() throws -> EvaluationReport {
        let box = Box(x: 10, y: 10, width: 40, height: 40)
        let dataset = EvaluationDataset(images: [
            AnnotatedImage(image: "a", objects: [GroundTruthObject(objectClass: .face, box: box)]),
            AnnotatedImage(image: "b", objects: [GroundTruthObject(objectClass: .plate, box: box)]),
        ])
        return try Evaluator(configuration: EvaluationConfiguration(framesPerSecond: 30)).evaluate(
            dataset: dataset,
            predictions: [
                ImagePrediction(
                    image: "a", detections: [Detection(objectClass: .face, box: box, score: 0.8)],
                    maskRegions: [MaskRegion(box: box, shape: .box, objectClass: .face)], elapsedSeconds: 0.02
                )
            ])
    }

    @Test func jsonLayoutUsesClassNamesAndCamelCaseKeys() throws {
        let report = try sampleReport()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == ["imageCount", "classes", "timing", "configuration"])
        let classes = try #require(json["classes"] as? [String: Any])
        #expect(Set(classes.keys) == ["face", "plate"])
        let face = try #require(classes["face"] as? [String: Any])
        for key in [
            "precision", "recall", "f1", "ap50", "map", "coverageRecall", "falsePositivesPerImage",
            "groundTruthCount", "sizeBuckets", "iouHistogram", "apByIoU", "falsePositivesPerHour",
        ] {
            #expect(face[key] != nil, "missing \(key)")
        }
        // Undefined metrics are written as null, not left out.
        let plate = try #require(classes["plate"] as? [String: Any])
        #expect(plate["precision"] is NSNull)
        let timing = try #require(json["timing"] as? [String: Any])
        #expect(timing["meanMilliseconds"] != nil && timing["imagesPerSecond"] != nil)

        #expect(try JSONDecoder().decode(EvaluationReport.self, from: data) == report)
    }

    @Test func tableListsEachClassAndTiming() throws {
        let table = try sampleReport().formattedTable()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "2 images · IoU 0.50 · score ≥ 0.50 · AP all-point · min size 0 px"
                + " · plates match when ≥ 90 % inside a detection")
        #expect(lines.contains { $0.hasPrefix("face ") && $0.contains("1.000") })
        #expect(lines.contains { $0.hasPrefix("plate ") && $0.contains(" - ") })
        #expect(lines.contains { $0.contains("FP/hour") })
        #expect(table.contains("timing: mean 20.0 ms/image"))
        #expect(table.contains("50.0 images/s"))
    }
}
