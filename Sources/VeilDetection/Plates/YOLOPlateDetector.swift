public import Foundation
public import VeilGeometry
public import VeilMedia

/// Finds licence plates with your own YOLO-family detector exported to ONNX: for teams whose
/// in-house plate model beats the built-in ``PlateDetector``.
///
/// ```swift
/// var configuration = YOLOPlateDetector.Configuration()
/// configuration.plateClassIndices = [0]  // class 0 is "plate"; nil counts every class
/// let detector = try YOLOPlateDetector(modelURL: URL(filePath: "plates-yolo11s.onnx"), configuration: configuration)
/// let plates = try detector.detect(in: image)  // objectClass .plate, image coordinates
/// ```
///
/// **What the model must look like** (Ultralytics' `model.export(format="onnx")` gives this;
/// leave `nms` off):
/// - One input `[1, 3, H, W]`: RGB, float 0…1. H and W come from the model; where they are
///   symbolic (`dynamic=True`), ``Configuration/inputSide`` (default 640) is used.
/// - One output, in either layout (see ``OutputLayout``), boxes in input pixels:
///   - YOLOv8 / YOLOv9 / YOLO11: `[1, 4 + C, N]` — cx, cy, w, h, then C class scores;
///   - YOLOv5 / YOLOv7: `[1, N, 5 + C]` — cx, cy, w, h, objectness, then C class scores.
///
///   The layout is read from the shape: `[1, A, B]` with A < B is the YOLOv8 layout, with
///   A > B the YOLOv5 one (candidates far outnumber classes). Set ``Configuration/layout``
///   when a model's shape is ambiguous.
///
/// Exports that already contain NMS (`nms=True`, YOLOv10, "end2end" `[1, 300, 6]` outputs)
/// and ones with several outputs are not supported: their boxes are corners, not centres, and
/// would be decoded wrongly, so re-export without NMS.
///
/// Steps: (1) letterbox — scale the image to fit the input keeping its aspect ratio, centre
/// it and pad with grey 114/255, as Ultralytics does for training; (2) run the model;
/// (3) keep candidates whose plate score (YOLOv5: objectness × best plate-class score;
/// YOLOv8: best plate-class score) reaches ``Configuration/scoreFloor``; (4) non-maximum
/// suppression at ``Configuration/suppressionIoU``; (5) map boxes back through the letterbox
/// and clip them to the image.
///
/// Loading runs the model once on a blank input to check its output, so a model in the
/// wrong format (a face detector, an export with NMS) is rejected by `init`, not midway
/// through a video.
public struct YOLOPlateDetector: ObjectDetector {
    /// What shapes the result; defaults follow Ultralytics' own where they exist.
    public struct Configuration: Sendable, Hashable {
        /// Class indices that mean "plate"; nil counts every class (a one-class plate model, or
        /// one whose classes are all kinds of plate). A model trained on vehicles too must name
        /// its plate classes, or every car is masked as a plate.
        public var plateClassIndices: Set<Int>?
        /// Candidates scoring below this are discarded, 0…1. Lower finds more distant and
        /// blurred plates but risks masking signs and text; callers can still apply their own
        /// threshold above it.
        public var scoreFloor: Double
        /// Boxes overlapping a higher-scoring one by more than this IoU are dropped, 0…1
        /// (Ultralytics' default 0.45). Raising it keeps two plates parked close together
        /// apart but risks duplicate boxes on one plate. As for every Veil detector, a box lying
        /// ≥ 90 % inside a similar-sized one is dropped too (`suppressingOverlaps`).
        public var suppressionIoU: Double
        /// The input side for models with a symbolic (dynamic) input size; a multiple of 32,
        /// the network's coarsest stride. nil uses the model's declared size, or 640 when it
        /// declares none. Larger finds smaller plates at quadratic cost. Setting a size other
        /// than a fixed-size model's own is an error.
        public var inputSide: Int?
        /// The output layout; nil reads it from the output's shape (see ``OutputLayout``).
        public var layout: OutputLayout?

        /// Loads a YOLO export; throws with the model's shapes when its layout is not one Veil reads.
        public init(
            plateClassIndices: Set<Int>? = nil,
            scoreFloor: Double = 0.2,
            suppressionIoU: Double = 0.45,
            inputSide: Int? = nil,
            layout: OutputLayout? = nil
        ) {
            self.plateClassIndices = plateClassIndices
            self.scoreFloor = scoreFloor
            self.suppressionIoU = suppressionIoU
            self.inputSide = inputSide
            self.layout = layout
        }
    }

    /// The input side used when the model declares a symbolic one (Ultralytics' default).
    public static let defaultInputSide = 640
    /// Networks downsample the input by up to 32 ×, so symbolic sizes must be multiples of it.
    static let inputGranularity = 32
    /// The letterbox padding: Ultralytics pads with grey 114 of 255.
    static let padding: Float = 114 / 255
    /// What a supported model looks like, for error messages.
    static let expectedFormat =
        "expected one input [1, 3, H, W] (RGB) and one output [1, 4 + C, N] (YOLOv8/v9/v11) "
        + "or [1, N, 5 + C] (YOLOv5/v7)"

    /// "yolo-plates".
    public let name = "yolo-plates"
    /// The letterbox canvas's longer side.
    public var workingSide: Int? { max(inputSize.width, inputSize.height) }
    /// The model file and its SHA-256.
    public let models: [ModelFingerprint]
    /// Input size and thresholds.
    public let configuration: Configuration
    /// The model's input size (width × height) after resolving symbolic dimensions.
    public let inputSize: PixelSize
    /// The model's output layout.
    public let layout: OutputLayout
    /// C: the number of classes the model scores.
    public let classCount: Int
    /// The classes that count as plates, ascending.
    let plateClasses: [Int]
    /// The output shape seen when loading; every later output must match it.
    let outputShape: [Int]
    private let session: InferenceSession

    /// Loads a YOLO export and checks that it has a supported layout.
    ///
    /// - Parameters:
    ///   - modelURL: the ONNX file.
    ///   - sha256: the file's SHA-256 for reports; nil computes it.
    ///   - configuration: classes, thresholds and input size.
    ///   - options: inference options (threads, GPU).
    /// - Throws: ``DetectionError/unexpectedOutput(model:reason:)`` naming the shapes found
    ///   when the model's input or output is not a YOLO layout;
    ///   ``DetectionError/modelLoadFailed(path:reason:)`` when the file cannot be loaded or the
    ///   configuration does not fit the model.
    public init(
        modelURL: URL,
        sha256: String? = nil,
        configuration: Configuration = Configuration(),
        options: InferenceOptions = InferenceOptions()
    ) throws(DetectionError) {
        precondition((0...1).contains(configuration.scoreFloor), "scoreFloor must be in 0…1")
        precondition((0...1).contains(configuration.suppressionIoU), "suppressionIoU must be in 0…1")
        let modelName = modelURL.lastPathComponent
        session = try InferenceSession(modelURL: modelURL, options: options)

        let declared = session.inputShape
        guard declared.count == 4, declared[1] == 3 else {
            throw .unexpectedOutput(
                model: modelName,
                reason: "\(Self.expectedFormat); found input \(Self.describe(declared))"
            )
        }
        inputSize = try Self.inputSize(declared: declared, configuration: configuration, modelPath: modelURL.path)

        // Run once on a blank input: ONNX Runtime reports output shapes only after a run.
        let blank = [Float](repeating: Self.padding, count: 3 * inputSize.width * inputSize.height)
        let shapes = try session.run(input: blank, shape: [1, 3, inputSize.height, inputSize.width]) { outputs in
            outputs.tensors.map(\.shape)
        }
        let found = zip(session.outputNames, shapes).map { "\($0) \(Self.describe($1))" }
        guard shapes.count == 1, let shape = shapes.first,
            let layout = configuration.layout ?? OutputLayout(outputShape: shape),
            layout.classCount(in: shape) >= 1
        else {
            throw .unexpectedOutput(
                model: modelName,
                reason: "\(Self.expectedFormat); found \(shapes.count) output(s): \(found.joined(separator: ", "))"
            )
        }
        self.layout = layout
        outputShape = shape
        let classCount = layout.classCount(in: shape)
        self.classCount = classCount

        let plateClasses = configuration.plateClassIndices.map { $0.sorted() } ?? Array(0..<classCount)
        guard !plateClasses.isEmpty else {
            throw .modelLoadFailed(path: modelURL.path, reason: "no plate class given; use nil to count every class")
        }
        guard plateClasses.allSatisfy({ (0..<classCount).contains($0) }) else {
            throw .modelLoadFailed(
                path: modelURL.path,
                reason: "plate classes \(plateClasses) do not all exist: the model scores \(classCount) "
                    + "class(es), 0…\(classCount - 1) (output \(Self.describe(shape)), \(layout))"
            )
        }
        self.plateClasses = plateClasses
        models = [
            sha256.map { ModelFingerprint(name: modelName, sha256: $0) } ?? ModelStore.fingerprint(of: modelURL)
        ]
        self.configuration = configuration
    }

    /// Plates in `image`.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        let letterbox = Letterbox(image: image.size, canvas: inputSize)
        let resized: Image
        do {
            resized = try image.resized(to: letterbox.content, interpolation: .linear)
        } catch {
            throw .inferenceFailed(model: models[0].name, reason: "cannot resize the image: \(error)")
        }
        let (model, outputShape) = (models[0].name, outputShape)
        return try session.run(shape: [1, 3, inputSize.height, inputSize.width]) { tensor in
            letterbox.writePlanarRGBTensor(of: resized, padding: Self.padding, into: tensor)
        } read: { (outputs) throws(DetectionError) in
            guard let output = outputs.tensors.first, output.shape == outputShape else {
                throw .unexpectedOutput(
                    model: model,
                    reason: "expected output \(Self.describe(outputShape)) as when loading, "
                        + "got \(Self.describe(outputs.tensors.first?.shape ?? []))"
                )
            }
            return plates(from: output, letterbox: letterbox, imageSize: image.size)
        }
    }

    /// Steps 3–5: plates in image coordinates from the model's output (read in place).
    func plates(from output: TensorView, letterbox: Letterbox, imageSize: PixelSize) -> [Detection] {
        let bounds = imageSize.bounds
        return Self.candidates(
            in: output,
            layout: layout,
            plateClasses: plateClasses,
            scoreFloor: configuration.scoreFloor
        )
        .suppressingOverlaps(iouThreshold: configuration.suppressionIoU)
        .compactMap { detection in
            var plate = detection
            plate.box = letterbox.imageBox(fromInput: detection.box).clamped(to: bounds)
            return plate.box.isEmpty ? nil : plate
        }
    }

    /// The input size: the model's declared sides, symbolic ones replaced by
    /// ``Configuration/inputSide`` or ``defaultInputSide``.
    static func inputSize(
        declared: [Int],
        configuration: Configuration,
        modelPath: String
    ) throws(DetectionError) -> PixelSize {
        let height = declared[2]
        let width = declared[3]
        if let side = configuration.inputSide {
            guard side > 0, side % inputGranularity == 0 else {
                throw .modelLoadFailed(
                    path: modelPath,
                    reason: "input side \(side) is not a positive multiple of \(inputGranularity)"
                )
            }
            guard [height, width].allSatisfy({ $0 <= 0 || $0 == side }) else {
                throw .modelLoadFailed(
                    path: modelPath,
                    reason: "the model's input is fixed at \(width)×\(height); input side \(side) cannot be used"
                )
            }
        }
        let side = configuration.inputSide ?? defaultInputSide
        return PixelSize(width: width > 0 ? width : side, height: height > 0 ? height : side)
    }

    /// A shape as `[1, 3, ?, ?]`, symbolic dimensions as `?`.
    static func describe(_ shape: [Int]) -> String {
        "[" + shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ") + "]"
    }
}
