import Foundation
public import VeilGeometry
public import VeilMedia

/// CenterFace: an anchor-free face detector (7.3 MB) with five landmarks that accepts any
/// input size (a multiple of 32; setup makes the shipped model's input dynamic).
///
/// Input is RGB 0…255. Outputs at stride 4: heatmap (1 channel), log scale (2: height, width),
/// offset (2: y, x) and landmarks (10: y, x pairs relative to the box's top-left, in box units).
public struct CenterFaceDetector: FaceNetwork {
    /// The model's file name in the store.
    public static let modelName = "centerface.onnx"
    /// "centerface".
    public let name = "centerface"
    /// The model file and its SHA-256.
    public let model: ModelFingerprint
    /// The longest side it runs at before tiling takes over (cost grows with pixels).
    public let maxInputSide: Int
    /// Detections below this score are dropped.
    public let scoreFloor: Double
    private let session: InferenceSession
    private static let stride = 4
    private static let alignment = 32
    private static let suppressionIoU = 0.3

    /// Loads CenterFace from `store`.
    public init(
        store: ModelStore = ModelStore(),
        options: InferenceOptions = InferenceOptions(),
        scoreFloor: Double = 0.2,
        maxInputSide: Int = 1280,
        precision: ModelPrecision = .float32
    ) throws(DetectionError) {
        let url = try store.url(for: precision.fileName(of: Self.modelName))
        session = try InferenceSession(modelURL: url, options: options)
        model = ModelStore.fingerprint(of: url)
        self.scoreFloor = scoreFloor
        self.maxInputSide = maxInputSide
    }

    /// Faces in `image`, which was resized by `scale` from the original; boxes in the resized image's pixels.
    public func detect(in image: Image, scale: Double) throws(DetectionError) -> [Detection] {
        let (input, scaleX, scaleY) = try resized(image, scale: scale)
        let canvas = PixelSize(
            width: Self.roundUp(input.width, to: Self.alignment),
            height: Self.roundUp(input.height, to: Self.alignment)
        )
        let scoreFloor = scoreFloor
        let raw = try session.run(shape: [1, 3, canvas.height, canvas.width]) { tensor in
            input.writePlanarTensor(order: .rgb, canvas: canvas, into: tensor)
        } read: { (outputs) throws(DetectionError) in
            try Self.decode(outputs: outputs, valid: input.size, scoreFloor: scoreFloor)
        }
        return raw.suppressingOverlaps(iouThreshold: Self.suppressionIoU)
            .map { $0.mapped(scaleX: 1 / scaleX, scaleY: 1 / scaleY) }
    }

    static func roundUp(_ value: Int, to multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }

    /// Decodes CenterFace's four outputs (in the model's output order) into detections in
    /// input coordinates, clipped to the `valid` (unpadded) area. Reads the outputs in place.
    static func decode(outputs: InferenceOutputs, valid: PixelSize, scoreFloor: Double)
        throws(DetectionError) -> [Detection]
    {
        guard outputs.count == 4, outputs.tensors[0].shape.count == 4 else {
            throw .unexpectedOutput(model: modelName, reason: "expected heatmap, scale, offset, landmarks")
        }
        let (heatmap, scales, offsets, marks) = (
            outputs.tensors[0], outputs.tensors[1], outputs.tensors[2], outputs.tensors[3]
        )
        let rows = heatmap.shape[2]
        let columns = heatmap.shape[3]
        let plane = rows * columns
        guard scales.values.count == plane * 2, offsets.values.count == plane * 2, marks.values.count == plane * 10
        else { throw .unexpectedOutput(model: modelName, reason: "output planes differ in size") }
        let step = Double(stride)
        let bounds = valid.bounds
        var detections: [Detection] = []
        for index in 0..<plane where Double(heatmap.values[index]) >= scoreFloor {
            let row = index / columns
            let column = index % columns
            let height = exp(Double(scales.values[index])) * step
            let width = exp(Double(scales.values[plane + index])) * step
            let offsetY = Double(offsets.values[index])
            let offsetX = Double(offsets.values[plane + index])
            let left = (Double(column) + offsetX + 0.5) * step - width / 2
            let top = (Double(row) + offsetY + 0.5) * step - height / 2
            let box = Box(x: left, y: top, width: width, height: height).clamped(to: bounds)
            guard !box.isEmpty else { continue }
            let landmarks = (0..<5).map { point in
                Point(
                    x: Double(marks.values[(point * 2 + 1) * plane + index]) * width + left,
                    y: Double(marks.values[point * 2 * plane + index]) * height + top
                )
            }
            detections.append(
                Detection(objectClass: .face, box: box, score: Double(heatmap.values[index]), landmarks: landmarks)
            )
        }
        return detections
    }
}
