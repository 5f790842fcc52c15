import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMedia

/// Detectors on real model output for a real face: the astronaut portrait that setup extracts
/// from Debian's scikit-image package (Eileen Collins, NASA, public domain).
@Suite struct FaceDetectorTests {
    static let astronaut = URL(fileURLWithPath: "/usr/local/share/veil/fixtures/astronaut.png")
    /// The face in the 512×512 astronaut image, annotated by hand (forehead to chin, ear to ear).
    static let faceBox = Box(x: 160, y: 45, width: 130, height: 140)

    static func image() throws -> Image { try ImageCodec.read(astronaut) }

    @Test func yunetFindsTheFaceWithLandmarks() throws {
        let detector = ScaledDetector(network: try YuNetDetector())
        let faces = try detector.detect(in: try Self.image()).filter { $0.score >= 0.5 }
        #expect(faces.count == 1)
        let face = try #require(faces.first)
        #expect(face.box.iou(Self.faceBox) > 0.5, "box \(face.box)")
        #expect(face.landmarks.count == 5)
        // Eyes above the nose, nose above the mouth corners, all inside the box.
        let (rightEye, leftEye, nose, rightMouth, leftMouth) =
            (face.landmarks[0], face.landmarks[1], face.landmarks[2], face.landmarks[3], face.landmarks[4])
        #expect(rightEye.x < leftEye.x && rightMouth.x < leftMouth.x)
        #expect(rightEye.y < nose.y && nose.y < rightMouth.y)
        #expect(face.landmarks.allSatisfy { MaskRegion(box: face.box, shape: .box, objectClass: .face).contains($0) })
    }

    /// YuNet runs at the image's own aspect (a 512×288 crop is a 640×384 input, not a padded
    /// square): the face is found, where it is, in wide and tall crops.
    @Test(arguments: [Box(x: 0, y: 0, width: 512, height: 288), Box(x: 100, y: 0, width: 288, height: 512)])
    func yunetFindsTheFaceInCropsOfEitherAspect(crop: Box) throws {
        let image = try Self.image().cropped(to: crop)
        let faces = try ScaledDetector(network: try YuNetDetector()).detect(in: image).filter { $0.score >= 0.5 }
        let expected = Self.faceBox.offsetBy(dx: -crop.minX, dy: -crop.minY)
        #expect(faces.count == 1)
        #expect(faces.contains { $0.box.iou(expected) > 0.5 }, "found \(faces.map(\.box))")
    }

    @Test(arguments: ModelPrecision.allCases)
    func centerFaceFindsTheFaceWithLandmarks(precision: ModelPrecision) throws {
        let detector = ScaledDetector(network: try CenterFaceDetector(precision: precision))
        let faces = try detector.detect(in: try Self.image()).filter { $0.score >= 0.5 }
        #expect(faces.count == 1)
        let face = try #require(faces.first)
        #expect(face.box.iou(Self.faceBox) > 0.5, "box \(face.box)")
        #expect(face.landmarks.count == 5)
        #expect(face.landmarks[0].y < face.landmarks[2].y && face.landmarks[2].y < face.landmarks[3].y)
    }

    @Test func faceStaysFoundWhenTheImageIsLarge() throws {
        // The 512 px portrait pasted small into a 4000×3000 canvas: the face is ~40 px, 1/100 of
        // the width. A single 640 px pass would shrink it to 6 px; tiling must find it.
        let portrait = try Self.image().resized(to: PixelSize(width: 150, height: 150), interpolation: .area)
        var canvas = Image(size: PixelSize(width: 4000, height: 3000), blue: 90, green: 110, red: 120)
        let origin = (x: 2900, y: 2100)
        for y in 0..<portrait.height {
            for x in 0..<portrait.width {
                let source = portrait.offset(x: x, y: y)
                let target = canvas.offset(x: origin.x + x, y: origin.y + y)
                canvas.pixels.replaceSubrange(target..<target + 3, with: portrait.pixels[source..<source + 3])
            }
        }
        let expected = Self.faceBox.scaled(x: 150 / 512, y: 150 / 512).offsetBy(dx: 2900, dy: 2100)
        let detector = ScaledDetector(network: try YuNetDetector())
        #expect(!detector.plan(for: canvas.size).tiles.isEmpty)
        let faces = try detector.detect(in: canvas).filter { $0.score >= 0.5 }
        // A 40 px face gets a tight box: require it to lie on the face, not to match its extent.
        #expect(faces.contains { expected.coverage(of: $0.box) > 0.8 }, "found \(faces.map(\.box))")
    }

    @Test func int8FaceScoresStayCloseToFloat() throws {
        // The quantized copy must see the same face with nearly the same score and box (photos
        // and video run it).
        let image = try Self.image()
        let float = try ScaledDetector(network: try CenterFaceDetector()).detect(in: image).filter { $0.score >= 0.5 }
        let int8 = try ScaledDetector(network: try CenterFaceDetector(precision: .int8)).detect(in: image)
            .filter { $0.score >= 0.5 }
        let (a, b) = (try #require(float.first), try #require(int8.first))
        #expect(abs(a.score - b.score) < 0.1)
        #expect(a.box.iou(b.box) > 0.85)
    }

    @Test func precisionNamesTheModelFile() {
        #expect(ModelPrecision.float32.fileName(of: "centerface.onnx") == "centerface.onnx")
        #expect(ModelPrecision.int8.fileName(of: "centerface.onnx") == "centerface_int8.onnx")
        #expect(ModelPrecision.int8.fileName(of: "ppocrv4_det.onnx") == "ppocrv4_det_int8.onnx")
    }

    @Test func blankImageHasNoFaces() throws {
        let blank = Image(size: PixelSize(width: 640, height: 480), blue: 128, green: 128, red: 128)
        let detector = EnsembleDetector(
            members: [ScaledDetector(network: try YuNetDetector()), ScaledDetector(network: try CenterFaceDetector())],
            minimumScore: 0.3
        )
        #expect(try detector.detect(in: blank).isEmpty)
    }

    @Test func missingModelIsAnActionableError() {
        let store = ModelStore(directories: [URL(fileURLWithPath: "/nonexistent")])
        #expect(throws: DetectionError.modelMissing(name: YuNetDetector.modelName, searched: ["/nonexistent"])) {
            try YuNetDetector(store: store)
        }
        let message = DetectionError.modelMissing(name: "x.onnx", searched: ["/a"]).description
        #expect(message.contains("make setup"))
    }

    @Test func corruptModelIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("veil-model-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("garbage".utf8).write(to: directory.appendingPathComponent(YuNetDetector.modelName))
        #expect(throws: DetectionError.self) { try YuNetDetector(store: ModelStore(directories: [directory])) }
    }

    @Test func modelsAreFingerprinted() throws {
        let detector = try YuNetDetector()
        // The dynamic copy setup derives from the shipped model (8f2383e4…) with onnx 1.23.2.
        #expect(detector.model.sha256 == "5c2a23157d8ad4ada8426d20c69a8cd086940686e72dd8a4c31d94a5c80fbd6a")
    }
}
