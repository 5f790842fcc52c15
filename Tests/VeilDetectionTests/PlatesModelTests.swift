import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// Where the setup installs the PP-OCRv4 text detector.
let plateModelURL = URL(filePath: "/usr/local/share/veil/models/ppocrv4_det.onnx")

@Suite("Plate detector with the PP-OCRv4 model")
struct PlatesModelTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: plateModelURL.path), "run `make setup` for the model"))
    func findsADrawnPlateAndCoversIt() throws {
        let scene = PlatesSyntheticImages.carWithPlate()
        let detector = try PlateDetector(modelURL: plateModelURL)
        let plates = try detector.detect(in: scene.image)
        #expect(plates.count == 1)
        let plate = try #require(plates.first)
        #expect(plate.objectClass == .plate)
        #expect(plate.box.coverage(of: scene.plate) >= 0.9)
        #expect(plate.score >= 0.5)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: plateModelURL.path), "run `make setup` for the model"))
    func findsNothingOnABlankImage() throws {
        let detector = try PlateDetector(modelURL: plateModelURL)
        let image = Image(size: PixelSize(width: 320, height: 240), blue: 95, green: 90, red: 85)
        #expect(try detector.detect(in: image).isEmpty)
    }

    @Test func rejectsAModelThatIsNotAnOnnxFile() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "veil-not-a-model-\(UUID()).onnx")
        try Data("not a model".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: DetectionError.self) { try PlateDetector(modelURL: url) }
    }
}
