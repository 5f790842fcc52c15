import Foundation
import Testing
import VeilEvaluation
import VeilGeometry
import VeilTestSupport

/// pycocotools in a virtual environment of its own, created on first use.
enum COCOReference {
    static let environment =
        (ProcessInfo.processInfo.environment["HOME"].map { URL(filePath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser)
        .appending(path: ".cache/veil-setup/venv-eval")
    static let python = environment.appending(path: "bin/python3")
    static let script = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "scripts/coco_reference.py")

    /// Whether pycocotools can be imported, after creating the environment and installing it
    /// from PyPI if needed. Evaluated once per test process.
    static let isAvailable: Bool = {
        if run(python.path, ["-c", "import pycocotools"]) != nil { return true }
        if !FileManager.default.fileExists(atPath: python.path) {
            guard run("/usr/bin/env", ["python3", "-m", "venv", environment.path]) != nil else { return false }
        }
        guard run(python.path, ["-m", "pip", "install", "--quiet", "pycocotools"]) != nil else { return false }
        return run(python.path, ["-c", "import pycocotools"]) != nil
    }()

    /// Runs a program; its standard output when it exits with 0, nil otherwise.
    static func run(_ executable: String, _ arguments: [String]) -> String? {
        guard let result = try? ChildProcess.run(URL(filePath: executable), arguments), result.status == 0 else {
            return nil
        }
        return result.stdoutText
    }
}

@Suite struct COCOReferenceTests {
    static let imageSide = 640.0

    /// A random dataset and detector output: found objects with jittered boxes, duplicates,
    /// misses, stray detections and crowd regions, all with distinct random scores.
    static func randomCase(seed: UInt64) -> (groundTruth: [String: Any], detections: [[String: Any]]) {
        var random = SplitMix64(seed: seed)
        var images: [[String: Any]] = []
        var annotations: [[String: Any]] = []
        var detections: [[String: Any]] = []
        func randomBox() -> [Double] {
            let width = Double.random(in: 8...160, using: &random)
            let height = width * Double.random(in: 0.6...1.6, using: &random)
            return [
                Double.random(in: 0...(imageSide - width), using: &random),
                Double.random(in: 0...(imageSide - height), using: &random), width, height,
            ]
        }
        func detection(_ imageID: Int, _ box: [Double]) -> [String: Any] {
            [
                "image_id": imageID, "category_id": 1, "bbox": box,
                "score": Double.random(in: 0.01...0.99, using: &random),
            ]
        }
        for imageID in 1...40 {
            images.append(["id": imageID, "file_name": "image\(imageID).jpg", "width": imageSide, "height": imageSide])
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let box = randomBox()
                let isCrowd = Double.random(in: 0...1, using: &random) < 0.1
                annotations.append([
                    "id": annotations.count + 1, "image_id": imageID, "category_id": 1, "bbox": box,
                    "area": box[2] * box[3], "iscrowd": isCrowd ? 1 : 0,
                ])
                let copies = Double.random(in: 0...1, using: &random) < 0.2 ? 2 : 1
                for _ in 0..<copies where Double.random(in: 0...1, using: &random) < 0.8 {
                    // Jitter up to 12 % of the size: IoUs spread across the 0.5…0.95 thresholds.
                    let jitter = { (size: Double) in Double.random(in: -0.12...0.12, using: &random) * size }
                    let jittered = [
                        box[0] + jitter(box[2]), box[1] + jitter(box[3]), box[2] + jitter(box[2]),
                        box[3] + jitter(box[3]),
                    ]
                    detections.append(detection(imageID, jittered))
                }
            }
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                detections.append(detection(imageID, randomBox()))
            }
        }
        let groundTruth: [String: Any] = [
            "images": images, "annotations": annotations, "categories": [["id": 1, "name": "face"]],
        ]
        return (groundTruth, detections)
    }

    @Test(
        .enabled(
            if: COCOReference.isAvailable,
            """
            needs pycocotools in ~/.cache/veil-setup/venv-eval; creating it with python3 -m venv and \
            pip install pycocotools failed (no python3 venv module, or PyPI unreachable)
            """
        ),
        arguments: [20_240_611, 7, 1_234_567] as [UInt64]
    )
    func averagePrecisionMatchesPycocotools(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        let (groundTruth, detections) = Self.randomCase(seed: seed)
        let groundTruthFile = directory.url.appending(path: "ground_truth.json")
        let detectionsFile = directory.url.appending(path: "detections.json")
        try JSONSerialization.data(withJSONObject: groundTruth).write(to: groundTruthFile)
        try JSONSerialization.data(withJSONObject: detections).write(to: detectionsFile)

        let output = try #require(
            COCOReference.run(
                COCOReference.python.path, [COCOReference.script.path, groundTruthFile.path, detectionsFile.path]
            ))
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])

        // The same files through Veil: its COCO loader and its evaluator.
        let dataset = try EvaluationDataset.load(from: groundTruthFile)
        let imageNames = Dictionary(
            uniqueKeysWithValues: dataset.images.enumerated().map { ($0.offset + 1, $0.element.image) })
        var detectionsByImage: [String: [Detection]] = [:]
        for entry in detections {
            let box = try #require(entry["bbox"] as? [Double])
            let imageID = try #require(entry["image_id"] as? Int)
            let image = try #require(imageNames[imageID])
            let score = try #require(entry["score"] as? Double)
            detectionsByImage[image, default: []].append(
                Detection(
                    objectClass: .face, box: Box(x: box[0], y: box[1], width: box[2], height: box[3]), score: score
                ))
        }
        let predictions = detectionsByImage.map { ImagePrediction(image: $0.key, detections: $0.value) }
        let coco = try #require(
            try Evaluator(configuration: EvaluationConfiguration(interpolation: .cocoOneHundredOnePoint))
                .evaluate(dataset: dataset, predictions: predictions).classes[.face])

        let tolerance = 1e-3
        let referenceAP50 = try #require(reference["ap50"])
        let referenceMAP = try #require(reference["map"])
        #expect(isClose(coco.averagePrecision50, referenceAP50, tolerance: tolerance))
        #expect(isClose(coco.meanAveragePrecision, referenceMAP, tolerance: tolerance))
        // The all-point area differs from the 101-point sample only by the sampling error.
        let report = try Evaluator().evaluate(dataset: dataset, predictions: predictions)
        let allPoint = try #require(report.classes[.face])
        #expect(isClose(allPoint.averagePrecision50, referenceAP50, tolerance: 0.02))
    }
}
