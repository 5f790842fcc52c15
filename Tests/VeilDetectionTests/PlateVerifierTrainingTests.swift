import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// Opt-in: writes the features of every text the plate verifier judges on a dataset, with
/// labels, for `scripts/plates/fit_verifier.py` (docs/PLATES.md, "Refit with hard negatives").
///
///     VEIL_PLATES_FEATURES_DATASET=DIR VEIL_PLATES_FEATURES_OUT=features.jsonl \
///       [VEIL_PLATES_FEATURES_NORMALIZATION=imagenet] swift test --skip-build --filter PlateVerifierTraining
///
/// The texts are those `PlateDetector.detect` hands the verifier: every pass of the scan plan,
/// pieces joined, and for each text the box itself, the box turned upright when tilted, and its
/// tallest character line. Label: `plate` when at least half of the candidate lies in an
/// annotated plate, `negative` when at least half lies in a box of the dataset's
/// negatives.json (synthetic non-plates), `other` otherwise (signs, unannotated plates, …).
/// Never runs in CI.
@Suite("Plate verifier training data (opt-in)")
struct PlateVerifierTrainingTests {
    static let datasetPath = ProcessInfo.processInfo.environment["VEIL_PLATES_FEATURES_DATASET"]
    static let outputPath = ProcessInfo.processInfo.environment["VEIL_PLATES_FEATURES_OUT"]
    /// `imagenet` feeds the text detector ImageNet's normalisation (the photos' profile);
    /// anything else, or unset, rapidocr's (video).
    static let normalization: PlateDetector.InputNormalization =
        ProcessInfo.processInfo.environment["VEIL_PLATES_FEATURES_NORMALIZATION"] == "imagenet" ? .imageNet : .rapidOCR

    struct Entry: Decodable {
        struct Object: Decodable {
            var `class`: String
            var box: [Double]
        }
        var image: String
        var objects: [Object]
    }

    struct Negative: Decodable {
        var kind: String
        var box: [Double]
    }

    struct Row: Encodable {
        var index: Int
        var image: String
        var stage: String
        var label: String
        var kind: String?
        var values: [Double]
        var glyphs: Int
        var box: [Double]
        /// fieldBeyond and surroundContrast under each way of telling the field from the ink.
        var surroundings: [String: [Double]]
    }

    @Test(.enabled(if: datasetPath != nil && outputPath != nil, "set VEIL_PLATES_FEATURES_DATASET and _OUT"))
    func dump() throws {
        let root = URL(filePath: try #require(Self.datasetPath))
        let entries = try JSONDecoder().decode(
            [Entry].self, from: Data(contentsOf: root.appending(path: "annotations.json")))
        let negativesURL = root.appending(path: "negatives.json")
        let negatives =
            FileManager.default.fileExists(atPath: negativesURL.path)
            ? try JSONDecoder().decode([String: [Negative]].self, from: Data(contentsOf: negativesURL)) : [:]
        var configuration = PlateDetector.Configuration()
        configuration.normalization = Self.normalization
        let detector = try PlateDetector(
            modelURL: plateModelURL, configuration: configuration, options: InferenceOptions(intraOpThreads: 2))
        let encoder = JSONEncoder()
        var output = Data()
        for (index, entry) in entries.enumerated() {
            let image = try ImageCodec.read(root.appending(path: entry.image))
            let plates = entry.objects.filter { $0.class == "plate" }.map(\.box).map(Self.box)
            let fakes = (negatives[entry.image] ?? []).map { ($0.kind, Self.box($0.box)) }
            func label(_ candidate: Box) -> (String, String?) {
                let area = max(1, candidate.width * candidate.height)
                if plates.contains(where: { candidate.intersection($0)?.area ?? 0 >= 0.5 * area }) {
                    return ("plate", nil)
                }
                if let fake = fakes.first(where: { candidate.intersection($0.1)?.area ?? 0 >= 0.5 * area }) {
                    return ("negative", fake.0)
                }
                return ("other", nil)
            }
            for (stage, candidate, features, estimates) in try Self.candidates(of: detector, in: image) {
                let (name, kind) = label(candidate)
                let row = Row(
                    index: index, image: entry.image, stage: stage, label: name, kind: kind, values: features.values,
                    glyphs: features.glyphCount,
                    box: [candidate.x, candidate.y, candidate.width, candidate.height],
                    surroundings: estimates.mapValues { [$0.fieldBeyond, $0.surroundContrast] })
                output += try encoder.encode(row) + Data("\n".utf8)
            }
        }
        try output.write(to: URL(filePath: try #require(Self.outputPath)), options: .atomic)
    }

    /// What `PlateDetector.detect` hands the verifier: (stage, box in the image, features, the
    /// features under each ``PlateFeatures/FieldEstimate`` by name).
    static func candidates(
        of detector: PlateDetector, in image: Image
    ) throws -> [(String, Box, PlateFeatures, [String: PlateFeatures])] {
        let configuration = detector.configuration
        let plan = configuration.scan.plan(for: image.size)
        var texts = try detector.textRegions(in: image, scale: plan.wholeScale)
        for tile in plan.tiles {
            texts += try detector.textRegions(in: image.cropped(to: tile), scale: plan.tileScale).map { text in
                var text = text
                text.box = text.box.offsetBy(dx: tile.minX, dy: tile.minY)
                if let centre = text.rotated?.center {
                    text.rotated?.center = Point(x: centre.x + tile.minX, y: centre.y + tile.minY)
                }
                return text
            }
        }
        var result: [(String, Box, PlateFeatures, [String: PlateFeatures])] = []
        func measure(_ stage: String, _ candidate: Box, _ measured: Box, _ score: Double, _ source: Image) {
            guard let features = PlateFeatures(textBox: measured, textScore: score, in: source) else { return }
            var estimates: [String: PlateFeatures] = [:]
            for estimate in PlateFeatures.FieldEstimate.allCases {
                estimates["\(estimate)"] = PlateFeatures(
                    textBox: measured, textScore: score, in: source, fieldEstimate: estimate)
            }
            result.append((stage, candidate, features, estimates))
        }
        for text in configuration.lines.joined(texts) {
            measure("box", text.box, text.box, text.score, image)
            if let upright = text.upright(in: image) {
                measure("upright", text.box, upright.size.bounds, text.score, upright)
            }
            if let line = configuration.lines.tallestCharacterLine(in: text.box, of: image),
                text.box.height <= configuration.lines.maximumBoxHeightInLines * line.height
            {
                measure("line", line, line, text.score, image)
            }
        }
        return result
    }

    static func box(_ values: [Double]) -> Box {
        Box(x: values[0], y: values[1], width: values[2], height: values[3])
    }
}
