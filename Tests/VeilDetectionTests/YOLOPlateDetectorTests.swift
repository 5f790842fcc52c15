import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilTestSupport

@testable import VeilDetection

/// Tiny constant-output YOLO models made by scripts/make_test_yolo_models.py (see its boxes).
enum YOLOTestModels {
    static let python =
        (ProcessInfo.processInfo.environment["HOME"].map { URL(filePath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser)
        .appending(path: ".cache/veil-setup/venv/bin/python")
    static let script = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "scripts/make_test_yolo_models.py")
    static let isPythonInstalled = FileManager.default.isExecutableFile(atPath: python.path)
    static let skipReason: Comment = "needs ~/.cache/veil-setup/venv/bin/python with onnx; run `make setup`"

    struct GenerationFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// The directory holding the models, generated once per test process.
    static let directory = generate(with: script, prefix: "veil-yolo-models")

    /// Runs one of the scripts that write synthetic models into a new temporary directory.
    static func generate(with script: URL, prefix: String) -> Result<URL, GenerationFailed> {
        let directory = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID())")
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(python, [script.path, directory.path])
        } catch {
            return .failure(GenerationFailed(description: "cannot run \(python.path): \(error)"))
        }
        guard result.status == 0 else { return .failure(GenerationFailed(description: result.stderrText)) }
        return .success(directory)
    }

    static func url(_ name: String) throws -> URL { try directory.get().appending(path: name) }
}

/// Where an input-pixel box (centre, size) lands in an image letterboxed into a `side` square,
/// computed independently of ``Letterbox``.
private func expectedImageBox(
    inputCenterX: Double,
    centerY: Double,
    width: Double,
    height: Double,
    image: PixelSize,
    side: Double
) -> Box {
    let ratio = min(side / Double(image.width), side / Double(image.height))
    let padX = (side - Double(image.width) * ratio) / 2
    let padY = (side - Double(image.height) * ratio) / 2
    return Box(
        x: (inputCenterX - width / 2 - padX) / ratio,
        y: (centerY - height / 2 - padY) / ratio,
        width: width / ratio,
        height: height / ratio
    )
}

private func isClose(_ a: Box, _ b: Box, tolerance: Double = 1e-3) -> Bool {
    abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance && abs(a.width - b.width) <= tolerance
        && abs(a.height - b.height) <= tolerance
}

private func grey(_ width: Int, _ height: Int) -> Image {
    Image(size: PixelSize(width: width, height: height), blue: 90, green: 90, red: 90)
}

@Suite("YOLO plate detector: layout rule and letterbox")
struct YOLOPlateLayoutTests {
    @Test(
        arguments: [
            ([1, 5, 8400], YOLOPlateDetector.OutputLayout.yolov8),
            ([1, 84, 8400], .yolov8),
            ([1, 25200, 6], .yolov5),
            ([1, 25200, 85], .yolov5),
            ([1, 4, 8400], nil),  // no class scores
            ([1, 8400, 5], nil),  // v5 rows need 5 + C ≥ 6 attributes
            ([1, 6, 6], nil),  // ambiguous
            ([2, 5, 8400], nil),  // batch of two
            ([5, 8400], nil),
        ] as [([Int], YOLOPlateDetector.OutputLayout?)])
    func layoutIsReadFromTheShape(shape: [Int], layout: YOLOPlateDetector.OutputLayout?) {
        #expect(YOLOPlateDetector.OutputLayout(outputShape: shape) == layout)
    }

    @Test func letterboxCentresTheImageInRGBAndPadsWithGrey() throws {
        // 2×1 image (blue pixel, red pixel) into a 4×4 canvas: content 4×2 at rows 1–2.
        let image = Image(size: PixelSize(width: 2, height: 1), pixels: [255, 0, 0, 0, 0, 255])
        let letterbox = Letterbox(image: image.size, canvas: PixelSize(width: 4, height: 4))
        #expect(letterbox.content == PixelSize(width: 4, height: 2))
        #expect(letterbox.offsetX == 0 && letterbox.offsetY == 1)
        let resized = try image.resized(to: letterbox.content, interpolation: .nearest)
        let tensor = letterbox.planarRGBTensor(of: resized, padding: 0.5)
        let plane = 16
        #expect(tensor[0..<4].allSatisfy { $0 == 0.5 })  // row 0 is padding
        #expect(tensor[12..<16].allSatisfy { $0 == 0.5 })  // row 3 too
        #expect(tensor[4] == 0 && tensor[2 * plane + 4] == 1)  // (0, 1): blue → R 0, B 1
        #expect(tensor[7] == 1 && tensor[2 * plane + 7] == 0)  // (3, 1): red → R 1, B 0
    }
}

@Suite(
    "YOLO plate detector with synthetic constant models",
    .enabled(if: YOLOTestModels.isPythonInstalled, YOLOTestModels.skipReason)
)
struct YOLOPlateDetectorTests {
    static let plateOnly = YOLOPlateDetector.Configuration(plateClassIndices: [0])

    @Test(arguments: [PixelSize(width: 640, height: 480), PixelSize(width: 400, height: 800)])
    func yolov8BoxIsMappedBackThroughTheLetterbox(imageSize: PixelSize) throws {
        let detector = try YOLOPlateDetector(
            modelURL: YOLOTestModels.url("yolov8_constant.onnx"), configuration: Self.plateOnly)
        #expect(detector.layout == .yolov8)
        #expect(detector.classCount == 2)
        #expect(detector.inputSize == PixelSize(width: 320, height: 320))
        let plates = try detector.detect(in: grey(imageSize.width, imageSize.height))
        let plate = try #require(plates.first)
        #expect(plates.count == 1)
        #expect(plate.objectClass == .plate)
        #expect(abs(plate.score - 0.9) < 1e-6)
        let expected = expectedImageBox(
            inputCenterX: 160, centerY: 150, width: 80, height: 40, image: imageSize, side: 320)
        #expect(isClose(plate.box, expected), "got \(plate.box), expected \(expected)")
    }

    @Test func yolov5BoxIsMappedBackAtTheDefaultSideOfASymbolicInput() throws {
        let detector = try YOLOPlateDetector(
            modelURL: YOLOTestModels.url("yolov5_constant.onnx"), configuration: Self.plateOnly)
        #expect(detector.layout == .yolov5)
        #expect(detector.classCount == 2)
        #expect(detector.inputSize == PixelSize(width: 640, height: 640))
        let imageSize = PixelSize(width: 1280, height: 720)
        let plates = try detector.detect(in: grey(imageSize.width, imageSize.height))
        let plate = try #require(plates.first)
        #expect(plates.count == 1)
        #expect(abs(plate.score - 0.9) < 1e-6)  // objectness 0.9 × class 1.0
        let expected = expectedImageBox(
            inputCenterX: 320, centerY: 300, width: 160, height: 80, image: imageSize, side: 640)
        #expect(expected == Box(x: 480, y: 240, width: 320, height: 160))
        #expect(isClose(plate.box, expected), "got \(plate.box), expected \(expected)")
    }

    @Test(arguments: [
        ("yolov8_constant.onnx", 0.95, [Double]()),
        ("yolov8_constant.onnx", 0.5, [0.9]),
        ("yolov8_constant.onnx", 0.08, [0.9, 0.1]),
        ("yolov5_constant.onnx", 0.95, []),
        ("yolov5_constant.onnx", 0.5, [0.9]),
        ("yolov5_constant.onnx", 0.08, [0.9, 0.1]),
    ])
    func scoresBelowTheFloorAreDropped(model: String, floor: Double, scores: [Double]) throws {
        let configuration = YOLOPlateDetector.Configuration(plateClassIndices: [0], scoreFloor: floor)
        let detector = try YOLOPlateDetector(modelURL: YOLOTestModels.url(model), configuration: configuration)
        let found = try detector.detect(in: grey(640, 640)).map(\.score)
        #expect(found.count == scores.count, "scores \(found)")
        #expect(zip(found, scores).allSatisfy { abs($0 - $1) < 1e-6 }, "scores \(found)")
    }

    /// The two plate boxes overlap with IoU ≈ 0.65.
    @Test(arguments: [
        ("yolov8_constant.onnx", 0.45, [0.9]),
        ("yolov8_constant.onnx", 0.7, [0.9, 0.6]),
        ("yolov5_constant.onnx", 0.45, [0.9]),
        ("yolov5_constant.onnx", 0.7, [0.9, 0.6]),
    ])
    func overlappingBoxesAreSuppressed(model: String, iou: Double, scores: [Double]) throws {
        let configuration = YOLOPlateDetector.Configuration(
            plateClassIndices: [0], scoreFloor: 0.5, suppressionIoU: iou)
        let detector = try YOLOPlateDetector(modelURL: YOLOTestModels.url(model), configuration: configuration)
        let found = try detector.detect(in: grey(640, 640)).map(\.score)
        #expect(found.count == scores.count, "scores \(found)")
        #expect(zip(found, scores).allSatisfy { abs($0 - $1) < 1e-6 }, "scores \(found)")
    }

    @Test(
        arguments: [
            (Set<Int>?.none, [0.9, 0.8]),
            ([0], [0.9]),
            ([1], [0.8]),
            ([0, 1], [0.9, 0.8]),
        ] as [(Set<Int>?, [Double])])
    func onlyTheConfiguredClassesCountAsPlates(classes: Set<Int>?, scores: [Double]) throws {
        for model in ["yolov8_constant.onnx", "yolov5_constant.onnx"] {
            let configuration = YOLOPlateDetector.Configuration(plateClassIndices: classes, scoreFloor: 0.5)
            let detector = try YOLOPlateDetector(modelURL: YOLOTestModels.url(model), configuration: configuration)
            let found = try detector.detect(in: grey(640, 640)).map(\.score)
            #expect(found.count == scores.count, "\(model): scores \(found)")
            #expect(zip(found, scores).allSatisfy { abs($0 - $1) < 1e-6 }, "\(model): scores \(found)")
        }
    }

    @Test(arguments: [
        ("two_outputs.onnx", "found 2 output(s): cls_8 [1, 1600, 1], bbox_8 [1, 1600, 4]"),
        ("rank2_output.onnx", "found 1 output(s): output0 [100, 6]"),
        ("grey_input.onnx", "found input [1, 1, 320, 320]"),
    ])
    func modelsInAnotherLayoutAreRejected(model: String, found: String) throws {
        let url = try YOLOTestModels.url(model)
        let error = #expect(throws: DetectionError.self) { try YOLOPlateDetector(modelURL: url) }
        guard case .unexpectedOutput(let name, let reason) = error else {
            Issue.record("expected unexpectedOutput, got \(String(describing: error))")
            return
        }
        #expect(name == model)
        #expect(reason.contains("[1, 4 + C, N] (YOLOv8/v9/v11) or [1, N, 5 + C] (YOLOv5/v7)"), "\(reason)")
        #expect(reason.contains(found), "\(reason)")
    }

    /// ONNX Runtime's outputs are read in place as `float`; the shim refuses any other element
    /// type with the output's name and type instead of reading its bytes as floats.
    @Test func aModelWithNonFloatOutputsIsRefusedByName() throws {
        let url = try YOLOTestModels.url("int64_output.onnx")
        let error = #expect(throws: DetectionError.self) {
            let detector = try YOLOPlateDetector(modelURL: url)
            _ = try detector.detect(in: grey(640, 640))
        }
        let message = error.map { String(describing: $0) } ?? ""
        #expect(message.contains("output 0 (output0) is not a float tensor (ONNX element type 7)"), "\(message)")
    }

    @Test func aClassTheModelDoesNotHaveIsRejected() throws {
        let url = try YOLOTestModels.url("yolov8_constant.onnx")
        let configuration = YOLOPlateDetector.Configuration(plateClassIndices: [0, 5])
        let error = #expect(throws: DetectionError.self) {
            try YOLOPlateDetector(modelURL: url, configuration: configuration)
        }
        #expect(String(describing: error).contains("the model scores 2 class(es)"))
    }

    @Test func inputSideAppliesToSymbolicInputsOnly() throws {
        let symbolic = try YOLOPlateDetector(
            modelURL: YOLOTestModels.url("yolov5_constant.onnx"),
            configuration: YOLOPlateDetector.Configuration(inputSide: 320)
        )
        #expect(symbolic.inputSize == PixelSize(width: 320, height: 320))
        let fixed = try YOLOTestModels.url("yolov8_constant.onnx")
        #expect(throws: DetectionError.self) {
            try YOLOPlateDetector(modelURL: fixed, configuration: YOLOPlateDetector.Configuration(inputSide: 640))
        }
        #expect(throws: DetectionError.self) {
            try YOLOPlateDetector(
                modelURL: YOLOTestModels.url("yolov5_constant.onnx"),
                configuration: YOLOPlateDetector.Configuration(inputSide: 300)
            )
        }
    }
}

/// YuNet (installed by `make setup`) is a face model with 12 outputs: not a plate model.
private let yuNetURL = URL(filePath: "/usr/local/share/veil/models/yunet_2023mar.onnx")

@Test(
    "YOLO plate detector rejects YuNet",
    .enabled(if: FileManager.default.fileExists(atPath: yuNetURL.path), "run `make setup` for YuNet")
)
func yoloPlateDetectorRejectsAFaceModel() throws {
    let error = #expect(throws: DetectionError.self) { try YOLOPlateDetector(modelURL: yuNetURL) }
    #expect(String(describing: error).contains("found 12 output(s): "), "\(String(describing: error))")
}
