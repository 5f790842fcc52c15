import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// Opt-in measurement on a plate dataset in Veil's annotation format; prints a table row.
///
///     VEIL_PLATES_DATASET=../shared/eval/plates-openalpr-eu-br swift test --filter PlatesEvaluation
///
/// Never runs in CI (the project's tests must not need ../shared).
@Suite("Plates evaluation (opt-in)")
struct PlatesEvaluationTests {
    static let datasetPath = ProcessInfo.processInfo.environment["VEIL_PLATES_DATASET"]
    static let maximumSide = Int(ProcessInfo.processInfo.environment["VEIL_PLATES_MAX_SIDE"] ?? "") ?? 960
    static let minimumProbability =
        Double(ProcessInfo.processInfo.environment["VEIL_PLATES_MIN_PROBABILITY"] ?? "") ?? 0.1

    struct Entry: Decodable {
        struct Object: Decodable {
            var `class`: String
            var box: [Double]
        }
        var image: String
        var objects: [Object]
    }

    @Test(.enabled(if: datasetPath != nil, "set VEIL_PLATES_DATASET"))
    func measure() throws {
        let root = URL(filePath: try #require(Self.datasetPath))
        let entries = try JSONDecoder().decode(
            [Entry].self, from: Data(contentsOf: root.appending(path: "annotations.json")))
        var configuration = PlateDetector.Configuration()
        configuration.maximumInputSide = Self.maximumSide
        configuration.verifier.minimumProbability = Self.minimumProbability
        let detector = try PlateDetector(
            modelURL: plateModelURL,
            configuration: configuration,
            options: InferenceOptions(intraOpThreads: 2)
        )
        var rows: [String: (covered: Int, matched: Int, boxes: Int, images: Int)] = [:]
        var detectSeconds = 0.0
        var mapSeconds = 0.0
        let clock = ContinuousClock()
        for (index, entry) in entries.enumerated() {
            let image = try ImageCodec.read(root.appending(path: entry.image))
            var plates: [Detection] = []
            var map: (TextProbabilityMap, PixelSize)?
            let mapElapsed = try clock.measure { map = try detector.probabilityMap(for: image) }
            let postElapsed = clock.measure { plates = detector.plates(from: map!.0, inputSize: map!.1, in: image) }
            mapSeconds += Self.seconds(mapElapsed)
            detectSeconds += Self.seconds(mapElapsed) + Self.seconds(postElapsed)
            for object in entry.objects where object.class == "plate" {
                let truth = Box(x: object.box[0], y: object.box[1], width: object.box[2], height: object.box[3])
                let isCovered = Self.coverage(of: truth, by: plates.map(\.box)) >= 0.9
                let isMatched = plates.contains { $0.box.iou(truth) >= 0.5 }
                for split in [index % 2 == 0 ? "train" : "held-out", "all"] {
                    var row = rows[split] ?? (0, 0, 0, 0)
                    row.covered += isCovered ? 1 : 0
                    row.matched += isMatched ? 1 : 0
                    row.boxes += plates.count
                    row.images += 1
                    rows[split] = row
                }
            }
        }
        print(
            "max side \(Self.maximumSide), verifier ≥ \(Self.minimumProbability): detect \(String(format: "%.1f", detectSeconds * 1000 / Double(entries.count))) ms/image, of which resize + normalise + ONNX \(String(format: "%.1f", mapSeconds * 1000 / Double(entries.count))) ms (debug build unless -c release; other load on the machine counts)"
        )
        print("| split | coverage recall | recall IoU>=0.5 | boxes/image |")
        for split in ["train", "held-out", "all"] {
            guard let row = rows[split] else { continue }
            let n = Double(row.images)
            print(
                String(
                    format: "| %@ (%d) | %.3f | %.3f | %.2f |", split, row.images, Double(row.covered) / n,
                    Double(row.matched) / n, Double(row.boxes) / n))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// The fraction of `truth` inside the union of `boxes`, on a pixel grid.
    static func coverage(of truth: Box, by boxes: [Box]) -> Double {
        let width = Int(truth.width)
        let height = Int(truth.height)
        guard width > 0, height > 0 else { return 0 }
        var isCovered = [Bool](repeating: false, count: width * height)
        for box in boxes {
            let x0 = max(0, Int((box.minX - truth.minX).rounded(.down)))
            let x1 = min(width, Int((box.maxX - truth.minX).rounded(.up)))
            let y0 = max(0, Int((box.minY - truth.minY).rounded(.down)))
            let y1 = min(height, Int((box.maxY - truth.minY).rounded(.up)))
            guard x1 > x0, y1 > y0 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { isCovered[y * width + x] = true } }
        }
        return Double(isCovered.filter { $0 }.count) / Double(isCovered.count)
    }
}
