import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// How pixels become the text detector's input (docs/DECISIONS.md, "The text detector's input
/// normalisation").
@Suite("Plate detector input normalisation")
struct PlateInputNormalizationTests {
    /// Every element of the tensor for a 2 × 1 image, written with `normalization`.
    static func tensor(_ normalization: PlateDetector.InputNormalization) -> [Float] {
        // Pixel 0: B 255, G 0, R 128; pixel 1: B 0, G 255, R 64.
        let image = Image(size: PixelSize(width: 2, height: 1), pixels: [255, 0, 128, 0, 255, 64])
        var values = [Float](repeating: .nan, count: 6)
        values.withUnsafeMutableBufferPointer { buffer in
            PlateDetector.writeTensor(of: image, into: buffer, normalization: normalization)
        }
        return values
    }

    @Test func rapidOCRMapsEveryChannelToMinusOneToOne() {
        let expected: [Float] = [1, -1, -1, 1, 128 / 127.5 - 1, 64 / 127.5 - 1]
        for (value, wanted) in zip(Self.tensor(.rapidOCR), expected) {
            #expect(abs(value - wanted) < 1e-5)
        }
    }

    @Test func imageNetNormalisesTheBGRPlanesWithPaddleOCRsMeansInOrder() {
        // Planes B, G, R; PaddleOCR applies (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) to
        // the channels of an image read by OpenCV, in that order.
        func normalised(_ value: Float, _ mean: Float, _ deviation: Float) -> Float { (value / 255 - mean) / deviation }
        let expected: [Float] = [
            normalised(255, 0.485, 0.229), normalised(0, 0.485, 0.229),
            normalised(0, 0.456, 0.224), normalised(255, 0.456, 0.224),
            normalised(128, 0.406, 0.225), normalised(64, 0.406, 0.225),
        ]
        for (value, wanted) in zip(Self.tensor(.imageNet), expected) {
            #expect(abs(value - wanted) < 1e-5)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: plateModelURL.path), "run `make setup` for the model"))
    func aDrawnPlateIsFoundUnderBothNormalisations() throws {
        let scene = PlatesSyntheticImages.carWithPlate()
        for normalization in [PlateDetector.InputNormalization.rapidOCR, .imageNet] {
            var configuration = PlateDetector.Configuration()
            configuration.normalization = normalization
            let detector = try PlateDetector(modelURL: plateModelURL, configuration: configuration)
            let plates = try detector.detect(in: scene.image)
            #expect(plates.count == 1, "\(normalization)")
            #expect(plates.first.map { $0.box.coverage(of: scene.plate) } ?? 0 >= 0.9, "\(normalization)")
        }
    }
}
