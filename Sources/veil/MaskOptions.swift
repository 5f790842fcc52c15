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

    @Option(
        help: ArgumentHelp(
            "layered: cells across the object (default: 8). More cells keep more of the face; docs/AUDIT.md shows where `veil audit` finds re-identification.",
            valueName: "cells"))
    var layeredCells: Int?

    @Option(
        help: ArgumentHelp(
            "layered: noise added to each cell, ± 8-bit levels (default: 24). Less noise keeps cell colours closer to the face's.",
            valueName: "levels"))
    var layeredNoise: Double?

    @OptionGroup var geometry: MaskShapeOptions

    func validate() throws {
        if layeredCells != nil || layeredNoise != nil, mask != .layered {
            throw ValidationError("--layered-cells and --layered-noise apply to --mask layered only")
        }
        if let layeredCells, !(2...64).contains(layeredCells) {
            throw ValidationError("--layered-cells must be between 2 and 64")
        }
        if let layeredNoise, !(0...128).contains(layeredNoise) {
            throw ValidationError("--layered-noise must be between 0 and 128 levels")
        }
    }

    /// The mask's own parameters: the documented defaults, with the layered mask's strength as given.
    var maskSettings: MaskSettings {
        var settings = MaskSettings()
        if let layeredCells { settings.layeredCells = layeredCells }
        if let layeredNoise { settings.layeredNoise = layeredNoise }
        return settings
    }

    /// Veil's settings with these masks (targets and threshold left at their defaults).
    var settings: AnonymizationSettings {
        var settings = AnonymizationSettings()
        settings.masker = Masker(style: mask, settings: maskSettings)
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
