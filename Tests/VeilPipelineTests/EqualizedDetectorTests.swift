import Testing
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilTestSupport

/// The high-resolution plate path's equalized reading: a detector that needs contrast finds a
/// faint patch only through ``EqualizedDetector``, at the same place.
@Suite struct EqualizedDetectorTests {
    /// Boxes the pixels whose green value differs from the image's mean by at least 20 levels
    /// (a stand-in for a text detector that misses faint characters).
    struct ContrastDetector: ObjectDetector {
        let name = "contrast"
        let models: [ModelFingerprint] = []
        func detect(in image: Image) throws(DetectionError) -> [Detection] {
            let greens = stride(from: 1, to: image.pixels.count, by: 3).map { Double(image.pixels[$0]) }
            let mean = greens.reduce(0, +) / Double(greens.count)
            var box: Box?
            for (index, green) in greens.enumerated() where abs(green - mean) >= 20 {
                let pixel = Box(
                    minX: Double(index % image.width), minY: Double(index / image.width),
                    maxX: Double(index % image.width + 1), maxY: Double(index / image.width + 1))
                box = box.map { $0.union(pixel) } ?? pixel
            }
            return box.map { [Detection(objectClass: .plate, box: $0, score: 1)] } ?? []
        }
    }

    @Test func aFaintPatchIsFoundOnlyEqualized() throws {
        let image = TestImages.faintPatch()
        #expect(try ContrastDetector().detect(in: image).isEmpty)
        let found = try EqualizedDetector(wrapping: ContrastDetector()).detect(in: image)
        #expect(found.count == 1)
        let patch = Box(minX: 32, minY: 40, maxX: 64, maxY: 56)
        #expect((found.first?.box.iou(patch) ?? 0) >= 0.8)
    }

    @Test func badSettingsAreOneClearError() {
        var detector = EqualizedDetector(wrapping: ContrastDetector())
        detector.tileSide = 0
        #expect(throws: DetectionError.self) { try detector.detect(in: TestImages.faintPatch()) }
    }
}
