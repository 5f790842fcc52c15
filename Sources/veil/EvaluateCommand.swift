import ArgumentParser
import Foundation
import VeilEvaluation
import VeilGeometry
import VeilMedia
import VeilPipeline

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure detection quality and mask coverage on an annotated dataset.",
        discussion: """
            Reads Veil's annotations.json, COCO JSON, WIDER FACE *_bbx_gt.txt, or a folder of \
            CCPD images whose file names hold their plates (detected from the directory). Runs exactly what `anonymize` would, with the same options, and \
            reports precision, recall, F1, AP50, mAP@[.5:.95], coverage recall (a face counts \
            when ≥ 90 % of its box lies inside Veil's masks), false positives per image, recall \
            by size and latency. AP is computed over detections at or above --threshold.
            """
    )

    @Argument(help: "Dataset directory or annotation file.")
    var dataset: String

    @OptionGroup(title: "Detection") var detection: DetectorOptions

    @OptionGroup(title: "Photos") var stills: StillDetectionOptions

    @OptionGroup(title: "Mask shape (for coverage)") var shape: MaskShapeOptions

    @Option(help: "Ground truth whose shorter side is below this many pixels is ignored.")
    var minSize: Double = 0

    @Option(
        help:
            "IoU for a face detection to match ground truth (a plate matches when 90 % of it lies inside the detection)."
    )
    var iou: Double = EvaluationConfiguration.defaultIoUThreshold

    @Option(help: "Write the metrics as JSON to this file.")
    var json: String?

    @Option(
        help: ArgumentHelp(
            "Write SVG plots here: the precision–recall curve and recall per object size of each class.",
            valueName: "directory"))
    var plots: String?

    @Option(help: "Evaluate at most this many images (0: all).")
    var limit: Int = 0

    @Option(help: "Write every detection (image, class, box, score) to this JSON file, for tuning.")
    var dumpDetections: String?

    @Flag(
        help: "Detect as on video frames (CenterFace alone at --detect-size, no tiles), per frame, without tracking."
    )
    var asVideo = false

    @Option(help: "With --as-video: the longest side faces are detected at.")
    var detectSize: Int = DetectionProfile.video.faceInputSide

    @Flag(help: "With --as-video: run the float32 CenterFace instead of the 8-bit copy video uses.")
    var fullPrecision = false

    func validate() throws {
        guard (0...1).contains(iou) else { throw ValidationError("--iou must be between 0 and 1") }
        guard minSize >= 0 else { throw ValidationError("--min-size must not be negative") }
    }

    func run() throws {
        var data = try EvaluationDataset.load(from: URL(fileURLWithPath: dataset))
        if limit > 0 { data.images = Array(data.images.prefix(limit)) }
        var videoProfile = DetectionProfile.video
        videoProfile.faceInputSide = detectSize
        videoProfile.scoreFloor = nil
        if fullPrecision { videoProfile.precision = .float32 }
        let detector = try detection.makeDetector(profile: asVideo ? videoProfile : stills.profile)
        var settings = AnonymizationSettings()
        settings.targets = detection.targets.classes
        settings.threshold = detection.threshold
        settings.planner = shape.planner
        let anonymizer = ImageAnonymizer(detector: detector, settings: settings)
        var predictions: [ImagePrediction] = []
        for annotated in data.images {
            guard let url = data.imageURL(for: annotated) else {
                throw CommandFailure("cannot locate image \(annotated.image)")
            }
            let image = try ImageCodec.read(url)
            let started = DispatchTime.now()
            let (detections, regions) = try anonymizer.plan(for: image)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            predictions.append(
                ImagePrediction(
                    image: annotated.image, detections: detections, maskRegions: regions, elapsedSeconds: seconds)
            )
        }
        let configuration = EvaluationConfiguration(
            scoreThreshold: detection.threshold,
            iouThreshold: iou,
            minimumObjectSize: minSize,
            classes: detection.targets.classes.sorted().filter { data.annotatedClasses.contains($0) }
        )
        let report = try Evaluator(configuration: configuration).evaluate(dataset: data, predictions: predictions)
        print("\(anonymizer.detector.name), threshold \(detection.threshold), mask shape \(shape.shape.rawValue)")
        print(report.formattedTable())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let json {
            try encoder.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic)
        }
        if let plots {
            let directory = URL(fileURLWithPath: plots)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for plot in EvaluationPlots.all(report) {
                try Data(plot.svg.utf8).write(to: directory.appendingPathComponent(plot.name), options: .atomic)
            }
        }
        if let dumpDetections {
            try encoder.encode(predictions).write(to: URL(fileURLWithPath: dumpDetections), options: .atomic)
        }
    }
}
