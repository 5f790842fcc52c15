import ArgumentParser
import VeilGeometry
import VeilMasking
import VeilPipeline

/// The face mask's shape and size: `anonymize`, `render`, and `evaluate` (coverage).
struct MaskShapeOptions: ParsableArguments {
    @Option(help: "Face mask shape. Plates are always masked as boxes.")
    var shape: FaceShape = .ellipse

    @Option(help: "Enlarge each face box by this fraction on every side (default: calibrated per shape).")
    var margin: Double?

    func validate() throws {
        if let margin, !(0...3).contains(margin) {
            throw ValidationError("--margin must be between 0 and 3 (a fraction of the box)")
        }
    }

    var planner: MaskPlanner { MaskPlanner(faceShape: shape.maskShape, faceMargin: margin.map(Margin.uniform)) }
}

/// What masks look like: `anonymize` and `render`.
struct MaskOptions: ParsableArguments {
    @Option(help: "Mask style (each with its ISO/IEC 20889:2018 de-identification technique).")
    var mask: MaskStyle = .layered

    @OptionGroup var geometry: MaskShapeOptions

    /// Veil's settings with these masks (targets and threshold left at their defaults).
    var settings: AnonymizationSettings {
        var settings = AnonymizationSettings()
        settings.masker = Masker(style: mask)
        settings.planner = geometry.planner
        return settings
    }
}

/// `--shape`: the shapes a detection can be masked with. Polygons exist only for hand-drawn
/// regions (`--regions-file`), so they are not offered here.
enum FaceShape: String, CaseIterable, ExpressibleByArgument {
    case ellipse
    case box

    var maskShape: MaskShape {
        switch self {
        case .ellipse: .ellipse
        case .box: .box
        }
    }
}
