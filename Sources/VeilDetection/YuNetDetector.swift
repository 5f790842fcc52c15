import Foundation
public import VeilGeometry
public import VeilMedia

/// YuNet (2023mar): a 232 KB face detector with five landmarks, run at the image's own shape.
///
/// The model ships with a fixed 640×640 input; setup makes a copy whose height and width are
/// free (`scripts/make_dynamic.py`). The image is scaled to fit 640 on its longer side and
/// placed top-left in a canvas of its own aspect, each side rounded up to a multiple of 32
/// (zero padding): a 4:3 photo is 640×480, not a square whose last quarter is padding
/// (docs/DECISIONS.md, "Photos: YuNet at the photo's shape"). Outputs per stride
/// s ∈ {8, 16, 32}: `cls_s`, `obj_s` (N×1), `bbox_s` (N×4: centre offsets in cells, log
/// width/height), `kps_s` (N×10: landmark offsets in cells), N = (width/s)·(height/s).
public struct YuNetDetector: FaceNetwork {
    /// The model's file name in the store.
    public static let modelName = "yunet_2023mar_dynamic.onnx"
    /// "yunet".
    public let name = "yunet"
    /// The model file and its SHA-256.
    public let model: ModelFingerprint
    /// The longest side it runs at before tiling takes over (640: the side it was trained at).
    public let maxInputSide: Int
    /// Scores below this are discarded before any merging (recall-first: low).
    public let scoreFloor: Double
    private let session: InferenceSession
    private static let strides = [8, 16, 32]
    /// The coarsest stride: both canvas sides are multiples of it.
    private static let alignment = 32
    /// Overlap above which two raw YuNet boxes are the same face.
    private static let suppressionIoU = 0.3

    /// Loads YuNet from `store`.
    public init(
        store: ModelStore = ModelStore(),
        options: InferenceOptions = InferenceOptions(),
        scoreFloor: Double = 0.2,
        maxInputSide: Int = 640
    ) throws(DetectionError) {
        let url = try store.url(for: Self.modelName)
        session = try InferenceSession(modelURL: url, options: options)
        model = ModelStore.fingerprint(of: url)
        self.scoreFloor = scoreFloor
        self.maxInputSide = maxInputSide
    }

    /// Faces in `image`, which was resized by `scale` from the original; boxes in the resized image's pixels.
    public func detect(in image: Image, scale: Double) throws(DetectionError) -> [Detection] {
        let scale = min(scale, Double(maxInputSide) / Double(max(image.width, image.height)))
        let (input, scaleX, scaleY) = try resized(image, scale: scale)
        let canvas = Self.canvas(for: input.size)
        let scoreFloor = scoreFloor
        let raw = try session.run(shape: [1, 3, canvas.height, canvas.width]) { tensor in
            input.writePlanarTensor(order: .bgr, canvas: canvas, into: tensor)
        } read: { (outputs) throws(DetectionError) in
            try Self.decode(outputs: outputs, canvas: canvas, scoreFloor: scoreFloor)
        }
        return raw.suppressingOverlaps(iouThreshold: Self.suppressionIoU)
            .map { $0.mapped(scaleX: 1 / scaleX, scaleY: 1 / scaleY) }
    }

    /// The input canvas for an image of `size`: each side rounded up to a multiple of 32.
    static func canvas(for size: PixelSize) -> PixelSize {
        PixelSize(
            width: (size.width + alignment - 1) / alignment * alignment,
            height: (size.height + alignment - 1) / alignment * alignment
        )
    }

    /// Decodes YuNet's raw outputs for an input of `canvas` pixels into detections in
    /// input-tensor coordinates. Reads the outputs in place.
    static func decode(outputs: InferenceOutputs, canvas: PixelSize, scoreFloor: Double) throws(DetectionError)
        -> [Detection]
    {
        var detections: [Detection] = []
        for stride in strides {
            guard let cls = outputs["cls_\(stride)"], let obj = outputs["obj_\(stride)"],
                let bbox = outputs["bbox_\(stride)"], let kps = outputs["kps_\(stride)"]
            else { throw .unexpectedOutput(model: modelName, reason: "missing outputs for stride \(stride)") }
            let columns = canvas.width / stride
            let count = columns * (canvas.height / stride)
            guard cls.values.count == count, obj.values.count == count, bbox.values.count == count * 4,
                kps.values.count == count * 10
            else { throw .unexpectedOutput(model: modelName, reason: "stride \(stride) sizes do not match the input") }
            let step = Double(stride)
            for index in 0..<count {
                let classScore = Double(min(max(cls.values[index], 0), 1))
                let objectness = Double(min(max(obj.values[index], 0), 1))
                let score = (classScore * objectness).squareRoot()
                guard score >= scoreFloor else { continue }
                let column = Double(index % columns)
                let row = Double(index / columns)
                let centerX = (column + Double(bbox.values[index * 4])) * step
                let centerY = (row + Double(bbox.values[index * 4 + 1])) * step
                let width = exp(Double(bbox.values[index * 4 + 2])) * step
                let height = exp(Double(bbox.values[index * 4 + 3])) * step
                let landmarks = (0..<5).map { point in
                    Point(
                        x: (Double(kps.values[index * 10 + point * 2]) + column) * step,
                        y: (Double(kps.values[index * 10 + point * 2 + 1]) + row) * step
                    )
                }
                detections.append(
                    Detection(
                        objectClass: .face,
                        box: Box(center: Point(x: centerX, y: centerY), width: width, height: height),
                        score: score,
                        landmarks: landmarks
                    )
                )
            }
        }
        return detections
    }
}
