import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// Tiny constant-output face models made by scripts/make_test_face_models.py: each encodes the
/// same four faces in its family's own format (see the script's FACES).
enum FaceTestModels {
    static let script = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "scripts/make_test_face_models.py")

    /// The directory holding the models, generated once per test process.
    static let directory = YOLOTestModels.generate(with: script, prefix: "veil-face-models")

    static func url(_ name: String) throws -> URL { try directory.get().appending(path: name) }

    /// The faces the decoder must find at floor 0.2 in a 320 × 320 input (the script's first
    /// face and its small fourth; the second is a weaker duplicate, the third below the floor).
    static let expected: [(box: Box, score: Double)] = [
        (Box(minX: 100, minY: 80, maxX: 164, maxY: 160), 0.9),
        (Box(minX: 240, minY: 200, maxX: 264, maxY: 232), 0.7),
    ]

    /// The script's landmarks of a box: eyes, nose, mouth corners.
    static func landmarks(of box: Box) -> [Point] {
        [(0.3, 0.35), (0.7, 0.35), (0.5, 0.55), (0.35, 0.75), (0.65, 0.75)].map {
            Point(x: box.minX + $0.0 * box.width, y: box.minY + $0.1 * box.height)
        }
    }
}

private func isClose(_ a: Box, _ b: Box, tolerance: Double = 1e-2) -> Bool {
    abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance && abs(a.width - b.width) <= tolerance
        && abs(a.height - b.height) <= tolerance
}

private func isClose(_ a: Point, _ b: Point, tolerance: Double = 1e-2) -> Bool {
    abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance
}

@Suite("Face model layouts from output shapes")
struct FaceModelLayoutTests {
    @Test(
        arguments: [
            ([[1, 16800, 4], [1, 16800, 2], [1, 16800, 10]], FaceModelLayout.retinaFace),
            ([[1, 16800, 2], [1, 16800, 4]], .retinaFace),  // no landmarks head
            ([[12800, 1], [3200, 1], [800, 1], [12800, 4], [3200, 4], [800, 4]], .scrfd),
            (
                [
                    [12800, 1], [3200, 1], [800, 1], [12800, 4], [3200, 4], [800, 4], [12800, 10], [3200, 10],
                    [800, 10],
                ],
                .scrfd
            ),
            ([[1, 25200, 16]], .yoloV5Face),
            ([[1, 20, 8400]], .yoloV8Face),
            ([[1, 5, 8400]], .yoloV8Face),
            ([[1, 6, 8400]], nil),  // a one-class YOLOv8 plate model
            ([[1, 25200, 6]], nil),  // a YOLOv5 detector without landmarks
            ([[1, 16800, 4], [1, 16801, 2]], nil),  // prior counts differ
            ([[12800, 1], [3200, 1], [800, 1], [12800, 4], [3200, 4], [400, 4]], nil),  // four sizes
            ([[1, 1, 160, 160], [1, 2, 160, 160], [1, 2, 160, 160], [1, 10, 160, 160]], nil),  // CenterFace
        ] as [([[Int]], FaceModelLayout?)])
    func layoutIsReadFromTheShapes(shapes: [[Int]], layout: FaceModelLayout?) {
        #expect(FaceModelLayout(outputShapes: shapes) == layout)
    }

    @Test func retinaFacePriorsFollowTheReferenceOrder() {
        let priors = RetinaFaceDecoding.priors(canvas: PixelSize(width: 32, height: 16))
        // Step 8: 2 × 4 cells × 2 sizes; step 16: 1 × 2 × 2; step 32: 1 × 1 × 2.
        #expect(priors.count == 16 + 4 + 2)
        #expect(priors[0] == .init(centerX: 4, centerY: 4, side: 16))
        #expect(priors[1] == .init(centerX: 4, centerY: 4, side: 32))
        #expect(priors[2] == .init(centerX: 12, centerY: 4, side: 16))
        #expect(priors[8] == .init(centerX: 4, centerY: 12, side: 16))
        #expect(priors[16] == .init(centerX: 8, centerY: 8, side: 64))
        #expect(priors[21] == .init(centerX: 16, centerY: 16, side: 512))
    }

    @Test func retinaFaceScoresAreProbabilitiesOrLogits() {
        #expect(RetinaFaceDecoding.faceProbability(background: 0.2, face: 0.8) == Double(Float(0.8)))
        #expect(abs(RetinaFaceDecoding.faceProbability(background: -1, face: 1) - 1 / (1 + exp(-2.0))) < 1e-9)
    }

    @Test func normalizationFollowsEachFamily() {
        // One pixel, BGR (10, 20, 30), top-left in a 2 × 1 canvas.
        let image = Image(size: PixelSize(width: 1, height: 1), pixels: [10, 20, 30])
        let canvas = PixelSize(width: 2, height: 1)
        let retina = image.planarTensor(normalization: FaceModelLayout.retinaFace.normalization, canvas: canvas)
        let retinaExpected: [Float] = [-94, 0, -97, 0, -93, 0]  // B, G, R minus 104, 117, 123
        #expect(retina == retinaExpected)
        let scrfd = image.planarTensor(normalization: FaceModelLayout.scrfd.normalization, canvas: canvas)
        let scrfdRed: Float = (30 - 127.5) / 128
        let scrfdGreen: Float = (20 - 127.5) / 128
        let scrfdBlue: Float = (10 - 127.5) / 128
        let scrfdExpected: [Float] = [scrfdRed, 0, scrfdGreen, 0, scrfdBlue, 0]
        #expect(scrfd == scrfdExpected)
        let yolo = image.planarTensor(normalization: FaceModelLayout.yoloV8Face.normalization, canvas: canvas)
        let grey: Float = 114 / 255
        let yoloExpected: [Float] = [30 / 255, grey, 20 / 255, grey, 10 / 255, grey]
        #expect(zip(yolo, yoloExpected).allSatisfy { abs($0 - $1) < 1e-6 } && yolo.count == 6)
    }
}

@Suite(
    "Face models with synthetic constant outputs",
    .enabled(if: YOLOTestModels.isPythonInstalled, YOLOTestModels.skipReason)
)
struct FaceModelDetectorTests {
    @Test(arguments: [
        ("retinaface.onnx", FaceModelLayout.retinaFace, 320, 1.0),
        ("scrfd.onnx", .scrfd, 320, 1.0),
        ("yolov8_face.onnx", .yoloV8Face, 320, 1.0),
        ("yolov5_face.onnx", .yoloV5Face, 640, 2.0),  // symbolic input: run at 640, image enlarged 2×
    ])
    func decodesTheEncodedFaces(file: String, layout: FaceModelLayout, side: Int, scale: Double) throws {
        let detector = try FaceModelDetector(modelURL: FaceTestModels.url(file), scoreFloor: 0.2)
        #expect(detector.layout == layout)
        #expect(detector.inputSize == PixelSize(width: side, height: side))
        #expect(detector.name == "face-model(\(layout))")
        let image = Image(size: PixelSize(width: 320, height: 320), blue: 90, green: 90, red: 90)
        let faces = try detector.detect(in: image, scale: scale).sorted { $0.score > $1.score }
        try #require(faces.count == FaceTestModels.expected.count, "got \(faces)")
        for (face, expected) in zip(faces, FaceTestModels.expected) {
            #expect(face.objectClass == .face)
            #expect(abs(face.score - expected.score) < 1e-5)
            #expect(isClose(face.box, expected.box), "got \(face.box), expected \(expected.box)")
            let marks = FaceTestModels.landmarks(of: expected.box)
            #expect(face.landmarks.count == 5)
            #expect(zip(face.landmarks, marks).allSatisfy { isClose($0, $1) }, "got \(face.landmarks)")
        }
    }

    @Test func boxesAreMappedBackToTheImage() throws {
        // 640 × 480 at scale 0.5: the input holds a 320 × 240 copy, top-left.
        let detector = try FaceModelDetector(modelURL: FaceTestModels.url("retinaface.onnx"), scoreFloor: 0.2)
        let image = Image(size: PixelSize(width: 640, height: 480), blue: 90, green: 90, red: 90)
        let faces = try detector.detect(in: image, scale: 0.5).sorted { $0.score > $1.score }
        try #require(faces.count == 2)
        #expect(isClose(faces[0].box, Box(minX: 200, minY: 160, maxX: 328, maxY: 320)), "got \(faces[0].box)")
        #expect(isClose(faces[1].box, Box(minX: 480, minY: 400, maxX: 528, maxY: 464)), "got \(faces[1].box)")
    }

    @Test func aHigherFloorDropsWeakerFaces() throws {
        let detector = try FaceModelDetector(modelURL: FaceTestModels.url("scrfd.onnx"), scoreFloor: 0.8)
        let image = Image(size: PixelSize(width: 320, height: 320), blue: 90, green: 90, red: 90)
        #expect(try detector.detect(in: image, scale: 1).map(\.score).map { ($0 * 100).rounded() } == [90])
    }

    @Test(arguments: ["unknown_face.onnx"])
    func anUnknownLayoutIsRejectedWithItsShapes(file: String) throws {
        #expect {
            _ = try FaceModelDetector(modelURL: FaceTestModels.url(file))
        } throws: { error in
            guard case DetectionError.unexpectedOutput(let model, let reason) = error else { return false }
            return model == file && reason.contains("RetinaFace") && reason.contains("[1, 7, 100]")
        }
    }
}
