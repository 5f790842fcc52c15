import ArgumentParser
import Foundation
import VeilGeometry
import VeilMedia
import VeilPipeline

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure detection recall and mask coverage on an annotated dataset."
    )

    @Argument(help: "Dataset directory holding annotations.json and the images.")
    var dataset: String

    @OptionGroup var detection: DetectionOptions

    @Option(help: "Ignore ground truth whose shorter side is below this many pixels.")
    var minSize: Double = 0

    @Option(help: "IoU for a detection to count as a match.")
    var iou: Double = 0.5

    @Option(help: "Evaluate at most this many images (0: all).")
    var limit: Int = 0

    @Option(help: "Write every detection (image, class, box, score) to this JSON file, for tuning.")
    var dumpDetections: String?

    struct Entry: Decodable {
        struct Object: Decodable {
            var `class`: String
            var box: [Double]
        }
        var image: String
        var objects: [Object]
    }

    func run() throws {
        let root = URL(fileURLWithPath: dataset)
        let entries = try JSONDecoder().decode(
            [Entry].self, from: Data(contentsOf: root.appendingPathComponent("annotations.json")))
        let anonymizer = ImageAnonymizer(detector: try detection.makeDetector(), settings: detection.settings)
        var groundTruth = 0
        var matched = 0
        var covered = 0
        var coveredAll = 0
        var totalAll = 0
        var predictions = 0
        var truePositives = 0
        var maskedArea = 0.0
        var imageArea = 0.0
        var seconds = 0.0
        var dump: [[String: Any]] = []
        for entry in limit > 0 ? Array(entries.prefix(limit)) : entries {
            let image = try ImageCodec.read(root.appendingPathComponent(entry.image))
            let started = Date()
            let (detections, regions) = try anonymizer.plan(for: image)
            seconds += Date().timeIntervalSince(started)
            predictions += detections.count
            dump.append([
                "image": entry.image,
                "detections": detections.map {
                    ["class": $0.objectClass.rawValue, "score": $0.score, "box": [$0.box.x, $0.box.y, $0.box.width, $0.box.height]]
                },
            ])
            imageArea += Double(image.width * image.height)
            maskedArea += Double(image.width * image.height) * regions.coverage(of: image.size.bounds, samples: 96)
            var used = Set<Int>()
            for object in entry.objects
            where detection.targets.classes.contains(ObjectClass(rawValue: object.class) ?? .face) {
                let box = Box(x: object.box[0], y: object.box[1], width: object.box[2], height: object.box[3])
                let isCovered = regions.coverage(of: box) >= 0.9
                totalAll += 1
                if isCovered { coveredAll += 1 }
                guard box.shortSide >= minSize else { continue }
                groundTruth += 1
                if isCovered { covered += 1 }
                if let best = detections.indices.filter({ !used.contains($0) }).max(by: {
                    detections[$0].box.iou(box) < detections[$1].box.iou(box)
                }), detections[best].box.iou(box) >= iou {
                    used.insert(best)
                    matched += 1
                }
            }
            truePositives += used.count
        }
        if let dumpDetections {
            try JSONSerialization.data(withJSONObject: dump).write(to: URL(fileURLWithPath: dumpDetections))
        }
        let count = Double(limit > 0 ? min(limit, entries.count) : entries.count)
        print(
            String(
                format:
                    "%@ threshold %.2f: recall@%.1f %.3f  coverage(≥%.0fpx) %.3f  coverage(all) %.3f  precision %.3f  masked %.3f of pixels  %.1f ms/image  (%d GT)",
                anonymizer.detector.name, detection.threshold, iou, Double(matched) / Double(max(1, groundTruth)),
                minSize, Double(covered) / Double(max(1, groundTruth)), Double(coveredAll) / Double(max(1, totalAll)),
                Double(truePositives) / Double(max(1, predictions)), maskedArea / max(1, imageArea),
                seconds * 1000 / count, groundTruth))
    }
}
