import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// The raw-output decoders on hand-made tensors: one hot cell each.
@Suite struct DecoderTests {
    @Test func yunetDecodesOneCell() throws {
        // A 4:3 canvas: rows and columns of cells differ.
        let canvas = PixelSize(width: 640, height: 480)
        var outputs: [String: Tensor] = [:]
        for stride in [8, 16, 32] {
            let count = (canvas.width / stride) * (canvas.height / stride)
            outputs["cls_\(stride)"] = Tensor(shape: [1, count, 1], values: Array(repeating: 0, count: count))
            outputs["obj_\(stride)"] = Tensor(shape: [1, count, 1], values: Array(repeating: 0, count: count))
            outputs["bbox_\(stride)"] = Tensor(shape: [1, count, 4], values: Array(repeating: 0, count: count * 4))
            outputs["kps_\(stride)"] = Tensor(shape: [1, count, 10], values: Array(repeating: 0, count: count * 10))
        }
        // Stride 16, row 3, column 5: centre offset (0.5, 0.5) cells, size e^1 × 16 px.
        let index = 3 * 40 + 5
        outputs["cls_16"]!.values[index] = 0.81
        outputs["obj_16"]!.values[index] = 1
        outputs["bbox_16"]!.values.replaceSubrange(index * 4..<index * 4 + 4, with: [0.5, 0.5, 1, 1])
        outputs["kps_16"]!.values[index * 10] = 0.25
        let names = outputs.keys.sorted()
        let faces = try InferenceOutputs.lending(names: names, tensors: names.map { outputs[$0]! }) {
            (outputs) throws(DetectionError) in
            try YuNetDetector.decode(outputs: outputs, canvas: canvas, scoreFloor: 0.5)
        }
        #expect(faces.count == 1)
        let face = try #require(faces.first)
        #expect(abs(face.score - 0.9) < 1e-6)
        let side = 16 * 2.718281828
        #expect(abs(face.box.center.x - 88) < 1e-4 && abs(face.box.center.y - 56) < 1e-4)
        #expect(abs(face.box.width - side) < 1e-3)
        #expect(abs(face.landmarks[0].x - (5.25 * 16)) < 1e-4)
    }

    @Test func yunetRejectsWrongOutputs() {
        #expect(throws: DetectionError.self) {
            try YuNetDetector.decode(
                outputs: InferenceOutputs(names: [], tensors: []), canvas: PixelSize(width: 640, height: 640),
                scoreFloor: 0.5)
        }
    }

    @Test(arguments: [
        (PixelSize(width: 640, height: 427), PixelSize(width: 640, height: 448)),
        (PixelSize(width: 480, height: 640), PixelSize(width: 480, height: 640)),
        (PixelSize(width: 1, height: 33), PixelSize(width: 32, height: 64)),
    ])
    func yunetCanvasFollowsTheImage(size: PixelSize, canvas: PixelSize) {
        #expect(YuNetDetector.canvas(for: size) == canvas)
    }

    @Test func centerFaceDecodesOneCell() throws {
        let (rows, columns) = (8, 10)
        let plane = rows * columns
        let index = 2 * columns + 3
        var heatmap = [Float](repeating: 0, count: plane)
        heatmap[index] = 0.9
        var scales = [Float](repeating: 0, count: plane * 2)
        scales[index] = Float(log(5.0))  // height 5 × 4 = 20
        scales[plane + index] = Float(log(4.0))  // width 16
        let offsets = [Float](repeating: 0, count: plane * 2)
        var landmarks = [Float](repeating: 0, count: plane * 10)
        landmarks[index] = 0.5  // first landmark y: half the height below the top
        landmarks[plane + index] = 0.25  // first landmark x: a quarter of the width
        // In the model's output order: CenterFace's decoder reads them by position.
        let tensors = [
            Tensor(shape: [1, 1, rows, columns], values: heatmap),
            Tensor(shape: [1, 2, rows, columns], values: scales),
            Tensor(shape: [1, 2, rows, columns], values: offsets),
            Tensor(shape: [1, 10, rows, columns], values: landmarks),
        ]
        let names = ["heat", "scale", "offset", "marks"]
        let faces = try InferenceOutputs.lending(names: names, tensors: tensors) { (outputs) throws(DetectionError) in
            try CenterFaceDetector.decode(outputs: outputs, valid: PixelSize(width: 40, height: 32), scoreFloor: 0.5)
        }
        let face = try #require(faces.first)
        // Centre ((3 + 0.5) × 4, (2 + 0.5) × 4) = (14, 10); 16 wide, 20 high.
        #expect(face.box.iou(Box(x: 6, y: 0, width: 16, height: 20)) > 0.9999)
        #expect(abs(face.landmarks[0].x - 10) < 1e-4 && abs(face.landmarks[0].y - 10) < 1e-4)
    }

    struct FakeNetwork: FaceNetwork {
        let name = "fake"
        let model = ModelFingerprint(name: "fake", sha256: "")
        let maxInputSide = 640
        func detect(in image: VeilMedia.Image, scale: Double) -> [Detection] { [] }
    }

    @Test func coarsenedDetectorsLookAtLess() throws {
        var video = ScaledDetector.Configuration()
        video.allowsTiling = false
        let full = ScaledDetector(network: FakeNetwork(), configuration: video)
        let coarse = try #require(full.coarsened(toSide: 320) as? ScaledDetector)
        #expect(full.workingSide == 640)
        #expect(coarse.workingSide == 320)
        #expect(coarse.plan(for: PixelSize(width: 1280, height: 720)).wholeScale == 0.25)
        #expect(full.coarsened(toSide: 640) == nil, "not smaller: nothing to gain")
        #expect(ScaledDetector(network: FakeNetwork()).coarsened(toSide: 320) == nil, "tiles were asked for")
        let ensemble = EnsembleDetector(members: [full, full])
        #expect(ensemble.coarsened(toSide: 320)?.workingSide == 320)
        #expect(
            EnsembleDetector(members: [full, ScaledDetector(network: FakeNetwork())]).coarsened(toSide: 320) == nil)
    }

    @Test func scalePlanTilesOnlyLargeImages() throws {
        let detector = ScaledDetector(network: FakeNetwork())
        #expect(detector.plan(for: PixelSize(width: 640, height: 480)).tiles.isEmpty)
        #expect(detector.plan(for: PixelSize(width: 400, height: 300)).wholeScale == 1.6)
        let large = detector.plan(for: PixelSize(width: 4000, height: 3000))
        #expect(!large.tiles.isEmpty)
        // Tiles run at ≥ 12/16 scale, so a 16 px face stays ≥ 12 px at the network's input.
        #expect(large.tileScale >= 0.75)
    }
}
