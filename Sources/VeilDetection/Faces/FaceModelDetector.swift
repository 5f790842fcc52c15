public import Foundation
public import VeilGeometry
public import VeilMedia

/// Finds faces with your own face detector exported to ONNX, in one of the common public
/// layouts (``FaceModelLayout``): RetinaFace, SCRFD, YOLOv5-face or YOLOv8/YOLO11-face.
///
/// ```swift
/// let network = try FaceModelDetector(modelURL: URL(filePath: "scrfd_2.5g_kps.onnx"))
/// let faces = try ScaledDetector(network: network).detect(in: image)  // scales and tiles as for CenterFace
/// ```
///
/// The layout is read from the output shapes, after one run on a blank input when loading (ONNX
/// Runtime reports output shapes only after a run), so a model Veil cannot read is rejected
/// by `init` with the shapes it has, not midway through a video.
///
/// Input: `[1, 3, H, W]`. A fixed H × W is used as it is; symbolic sides become
/// ``defaultInputSide``. The image is scaled to fit and placed top-left; the rest of the canvas
/// holds the layout's padding. Steps per image: normalize (``FaceModelLayout``), run, decode
/// the layout's boxes and five landmarks, drop scores below the floor, suppress overlaps at
/// ``suppressionIoU``, map back to the image.
public struct FaceModelDetector: FaceNetwork {
    /// The input side used for models with a symbolic input size.
    public static let defaultInputSide = 640
    /// Overlap above which two raw boxes are the same face (as YuNet and CenterFace use).
    public static let suppressionIoU = 0.4

    /// "face-model(LAYOUT)", e.g. "face-model(SCRFD)".
    public var name: String { "face-model(\(layout))" }
    /// The model file and its SHA-256.
    public let model: ModelFingerprint
    /// The layout read from the model's outputs.
    public let layout: FaceModelLayout
    /// The input canvas (width × height).
    public let inputSize: PixelSize
    /// The longest side the model takes at once.
    public var maxInputSide: Int { max(inputSize.width, inputSize.height) }
    /// Scores below this are dropped before suppression.
    public let scoreFloor: Double
    private let session: InferenceSession

    /// Loads a face model and reads its layout.
    ///
    /// - Parameters:
    ///   - modelURL: the ONNX file.
    ///   - options: inference options (threads, GPU).
    ///   - scoreFloor: detections below this score are dropped (0…1).
    /// - Throws: ``DetectionError/unexpectedOutput(model:reason:)`` naming the shapes found when
    ///   the input is not `[1, 3, H, W]` or the outputs match no supported layout;
    ///   ``DetectionError/modelLoadFailed(path:reason:)`` when the file cannot be loaded.
    public init(modelURL: URL, options: InferenceOptions = InferenceOptions(), scoreFloor: Double = 0.2)
        throws(DetectionError)
    {
        let modelName = modelURL.lastPathComponent
        session = try InferenceSession(modelURL: modelURL, options: options)
        let declared = session.inputShape
        guard declared.count == 4, declared[1] == 3 else {
            throw .unexpectedOutput(
                model: modelName,
                reason: "\(FaceModelLayout.expectedFormats), with one input [1, 3, H, W]; "
                    + "found input \(FaceModelLayout.describe(declared))"
            )
        }
        let size = PixelSize(
            width: declared[3] > 0 ? declared[3] : Self.defaultInputSide,
            height: declared[2] > 0 ? declared[2] : Self.defaultInputSide
        )
        let blank = [Float](repeating: 0, count: 3 * size.width * size.height)
        let blankRun = try session.run(input: blank, shape: [1, 3, size.height, size.width]) { outputs in
            outputs.tensors.map { Tensor(copying: $0) }
        }
        let shapes = blankRun.map(\.shape)
        guard let layout = FaceModelLayout(outputShapes: shapes) else {
            let found = zip(session.outputNames, shapes).map { "\($0) \(FaceModelLayout.describe($1))" }
            throw .unexpectedOutput(
                model: modelName,
                reason: "\(FaceModelLayout.expectedFormats); found \(shapes.count) output(s): "
                    + found.joined(separator: ", ")
            )
        }
        self.layout = layout
        inputSize = size
        model = ModelStore.fingerprint(of: modelURL)
        self.scoreFloor = scoreFloor
        // Decode the blank run once: a RetinaFace or SCRFD model whose anchor counts do not fit
        // its input fails here, with the counts, rather than on the first image.
        _ = try InferenceOutputs.lending(names: session.outputNames, tensors: blankRun) {
            (outputs) throws(DetectionError) in
            try decode(outputs: outputs)
        }
    }

    /// Faces in `image` after scaling it by `scale` (capped so it fits the input); boxes in
    /// `image`'s pixels.
    public func detect(in image: Image, scale: Double) throws(DetectionError) -> [Detection] {
        let scale = min(
            scale,
            Double(inputSize.width) / Double(image.width),
            Double(inputSize.height) / Double(image.height)
        )
        let (input, scaleX, scaleY) = try resized(image, scale: scale)
        let (normalization, canvas) = (layout.normalization, inputSize)
        let raw = try session.run(shape: [1, 3, inputSize.height, inputSize.width]) { tensor in
            input.writePlanarTensor(normalization: normalization, canvas: canvas, into: tensor)
        } read: { (outputs) throws(DetectionError) in
            try decode(outputs: outputs)
        }
        let valid = Box(x: 0, y: 0, width: Double(input.width), height: Double(input.height))
        return raw.suppressingOverlaps(iouThreshold: Self.suppressionIoU)
            .compactMap { detection in
                var face = detection
                face.box = detection.box.clamped(to: valid)
                return face.box.isEmpty ? nil : face.mapped(scaleX: 1 / scaleX, scaleY: 1 / scaleY)
            }
    }

    /// Every detection above the floor in input pixels, before suppression (outputs read in place).
    func decode(outputs: InferenceOutputs) throws(DetectionError) -> [Detection] {
        var matrices: [OutputMatrix] = []
        for name in session.outputNames {
            guard let tensor = outputs[name], let matrix = OutputMatrix(tensor) else {
                throw .unexpectedOutput(model: model.name, reason: "output \(name) changed shape since loading")
            }
            matrices.append(matrix)
        }
        switch layout {
        case .retinaFace:
            guard let boxes = matrices.first(where: { $0.columns == 4 }),
                let scores = matrices.first(where: { $0.columns == 2 })
            else { throw .unexpectedOutput(model: model.name, reason: "RetinaFace outputs changed since loading") }
            return try RetinaFaceDecoding.decode(
                boxes: boxes,
                scores: scores,
                landmarks: matrices.first(where: { $0.columns == 10 }),
                canvas: inputSize,
                scoreFloor: scoreFloor
            )
        case .scrfd:
            return try SCRFDDecoding.decode(outputs: matrices, canvas: inputSize, scoreFloor: scoreFloor)
        case .yoloV5Face, .yoloV8Face:
            guard let output = matrices.first else { return [] }
            return YOLOFaceDecoding.decode(output: output, layout: layout, scoreFloor: scoreFloor)
        }
    }
}
