import ArgumentParser
import Foundation
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilPipeline

/// Options shared by every command that detects and masks.
struct DetectionOptions: ParsableArguments {
    @Option(help: "What to mask: face, plate, or both (comma-separated).")
    var targets = TargetList(argument: "face,plate")!

    @Option(help: "Minimum detector score (0–1). Lower finds more faces and masks more false positives.")
    var threshold: Double = AnonymizationSettings().threshold

    @Option(help: "Face detector.")
    var detector: DetectorChoice = .ensemble

    @Option(
        help:
            "Mask style: layered (irreversible, default), fill, pixelate, surrogate (synthetic face), or blur (reversible by AI)."
    )
    var mask: MaskStyle = .layered

    @Option(help: "Face mask shape. Plates are always masked as boxes.")
    var shape: MaskShape = .ellipse

    @Option(help: "Enlarge each face box by this fraction on every side (default: calibrated per shape).")
    var margin: Double?

    @Option(help: "Directory holding the models (default: where `make setup` installs them).")
    var modelsDir: String?

    @Option(
        help:
            "Use your own YOLO plate model (ONNX export of YOLOv5/v8/v11, without built-in NMS) instead of Veil's plate detector."
    )
    var plateModel: String?

    @Flag(help: "Run inference on an NVIDIA GPU (ONNX Runtime CUDA provider); fails if none.")
    var gpu = false

    func validate() throws {
        guard shape != .polygon else {
            throw ValidationError(
                "--shape polygon is for hand-drawn regions (--regions-file); detections use ellipse or box")
        }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        if let margin, !(0...3).contains(margin) {
            throw ValidationError("--margin must be between 0 and 3 (a fraction of the box)")
        }
    }

    var settings: AnonymizationSettings {
        var settings = AnonymizationSettings()
        settings.targets = targets.classes
        settings.threshold = threshold
        settings.masker = Masker(style: mask)
        settings.planner = MaskPlanner(faceShape: shape, faceMargin: margin.map(Margin.uniform))
        return settings
    }

    @Option(help: "Smallest face (pixels) stills must find; smaller adds tiles on large photos.")
    var minFace: Double = DetectionProfile.stills.smallestFace

    func makeDetector(profile: DetectionProfile = .stills, targets: Set<ObjectClass>? = nil) throws
        -> any ObjectDetector
    {
        let store = modelsDir.map { ModelStore(directories: [URL(fileURLWithPath: $0)]) } ?? ModelStore()
        var profile = profile
        if profile == .stills { profile.smallestFace = minFace }
        return try detector.makeDetector(
            targets: targets ?? self.targets.classes,
            threshold: threshold,
            profile: profile,
            store: store,
            options: InferenceOptions(usesGPU: gpu),
            plateModel: plateModel.map { URL(fileURLWithPath: $0) }
        )
    }
}
