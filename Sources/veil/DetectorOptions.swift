import ArgumentParser
import Foundation
import VeilDetection
import VeilGeometry
import VeilPipeline

/// What to detect and with which models: `anonymize`, `detect` and `evaluate`.
struct DetectorOptions: ParsableArguments {
    @Option(help: "What to mask: face, plate, or both (comma-separated).")
    var targets = TargetList(argument: "face,plate")!

    @Option(help: "Minimum detector score (0–1). Lower finds more faces and masks more false positives.")
    var threshold: Double = AnonymizationSettings().threshold

    @Option(help: "Face detector (video: ensemble means CenterFace alone).")
    var detector: DetectorChoice = .ensemble

    @Option(help: "Directory holding the models (default: where `make setup` installs them).")
    var modelsDir: String?

    @Option(
        help:
            "Use your own YOLO plate model (ONNX export of YOLOv5/v8/v11, without built-in NMS) instead of Veil's plate detector."
    )
    var plateModel: String?

    @Option(
        help:
            "Use your own face model (ONNX export of RetinaFace, SCRFD, YOLOv5-face or YOLOv8/v11-face; layout read from its outputs) instead of Veil's face detectors."
    )
    var faceModel: String?

    @Flag var device: InferenceDevice = .cpu

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    var store: ModelStore {
        modelsDir.map { ModelStore(directories: [URL(fileURLWithPath: $0)]) } ?? ModelStore()
    }

    var inference: InferenceOptions { InferenceOptions(provider: device.provider) }

    var plateModelURL: URL? { plateModel.map { URL(fileURLWithPath: $0) } }

    var faceModelURL: URL? { faceModel.map { URL(fileURLWithPath: $0) } }

    func makeDetector(profile: DetectionProfile, targets: Set<ObjectClass>? = nil) throws -> any ObjectDetector {
        try detector.makeDetector(
            targets: targets ?? self.targets.classes,
            threshold: threshold,
            profile: profile,
            store: store,
            options: inference,
            plateModel: plateModelURL,
            faceModel: faceModelURL
        )
    }

    /// The video detectors on `video`'s schedule (the library's, see VideoSettings.detectors).
    func videoDetectors(_ video: VideoSettings) throws -> [VideoAnonymizer.ClassDetector] {
        try video.detectors(
            targets: targets.classes, choice: detector, threshold: threshold, store: store, options: inference,
            plateModel: plateModelURL, faceModel: faceModelURL)
    }
}

/// How stills are searched: `anonymize` and `evaluate`.
struct StillDetectionOptions: ParsableArguments {
    @Option(help: "Smallest face (pixels) photos must find; smaller adds tiles on large photos.")
    var minFace: Double = DetectionProfile.stills.smallestFace

    @Option(
        help:
            "Smallest plate (height, pixels) photos must find; smaller enlarges photos and adds tiles on large ones."
    )
    var minPlate: Double = DetectionProfile.stills.smallestPlate

    func validate() throws {
        guard minFace >= 4 else { throw ValidationError("--min-face must be at least 4 pixels") }
        guard minPlate >= 8 else { throw ValidationError("--min-plate must be at least 8 pixels") }
    }

    var profile: DetectionProfile {
        var profile = DetectionProfile.stills
        profile.smallestFace = minFace
        profile.smallestPlate = minPlate
        return profile
    }
}

/// Where the detectors run: `--cpu` (default), `--gpu` or `--tensorrt`; one flag, so they cannot disagree.
enum InferenceDevice: String, EnumerableFlag {
    case cpu
    case gpu
    case tensorrt

    static func help(for value: InferenceDevice) -> ArgumentHelp? {
        switch value {
        case .cpu: "Run the detectors on the CPU."
        case .gpu:
            "Run the detectors on an NVIDIA GPU (ONNX Runtime's CUDA provider, installed by `make setup-gpu`); fails with the reason when it cannot."
        case .tensorrt:
            "Like --gpu, with TensorRT first (engines built on first use, cached in ~/.cache/veil/tensorrt)."
        }
    }

    var provider: ExecutionProvider {
        switch self {
        case .cpu: .cpu
        case .gpu: .cuda
        case .tensorrt: .tensorRT
        }
    }
}
