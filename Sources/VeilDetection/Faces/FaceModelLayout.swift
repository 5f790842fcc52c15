/// The public face-detector families ``FaceModelDetector`` reads, told apart by their output
/// shapes alone (names differ between exports).
///
/// Shapes below are per image; a leading batch dimension of 1 may be present or not.
public enum FaceModelLayout: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// RetinaFace (Pytorch_Retinaface and its exports): three outputs `[1, N, 4]` box offsets,
    /// `[1, N, 2]` background/face scores and `[1, N, 10]` landmark offsets, against N priors
    /// (steps 8/16/32, sizes 16·32, 64·128, 256·512 px; variances 0.1 and 0.2). Input BGR
    /// minus the mean (104, 117, 123).
    case retinaFace
    /// SCRFD (insightface): per stride 8/16/32 a score `[N, 1]`, box distances `[N, 4]` and,
    /// usually, landmark offsets `[N, 10]`, in stride units from anchor centres. Input RGB,
    /// (value − 127.5) / 128.
    case scrfd
    /// YOLOv5-face: one output `[1, N, 16]`: cx, cy, w, h, objectness, five landmarks (x, y),
    /// face score, in input pixels. Input RGB 0…1.
    case yoloV5Face
    /// YOLOv8/YOLO11-face (Ultralytics pose exports): one output `[1, 20, N]`: cx, cy, w, h,
    /// score, five landmarks (x, y, visibility), in input pixels; `[1, 5, N]` without
    /// landmarks. Input RGB 0…1.
    case yoloV8Face

    /// What a supported model looks like, for error messages.
    static let expectedFormats =
        "expected RetinaFace (3 outputs [1, N, 4|2|10]), SCRFD (6 or 9 outputs [N, 1|4|10] for strides 8/16/32), "
        + "YOLOv5-face ([1, N, 16]) or YOLOv8-face ([1, 20, N] or [1, 5, N])"

    /// The layout of a model with these output shapes (in the model's output order), or nil.
    ///
    /// The rule: one rank-3 output whose short side is 16 (rows of candidates) is YOLOv5-face,
    /// whose short side is 20 or 5 (columns of candidates) YOLOv8-face; two or three outputs
    /// with the same N and last sides {4, 2} (+ 10) are RetinaFace; six or nine outputs whose
    /// last sides are 1, 4 (and 10), in three sizes, are SCRFD.
    public init?(outputShapes shapes: [[Int]]) {
        let rows = shapes.map(Self.rows)
        if rows.count == 1, let shape = rows[0], shape.count == 2 {
            let (first, second) = (shape[0], shape[1])
            if second == 16 && first > 16 {
                self = .yoloV5Face
                return
            }
            if (first == 20 || first == 5) && second > first {
                self = .yoloV8Face
                return
            }
            return nil
        }
        let matrices = rows.compactMap { $0 }
        guard matrices.count == shapes.count, matrices.allSatisfy({ $0.count == 2 }) else { return nil }
        let widths = matrices.map { $0[1] }
        if (2...3).contains(matrices.count), Set(matrices.map { $0[0] }).count == 1,
            Set(widths) == (matrices.count == 3 ? [2, 4, 10] : [2, 4])
        {
            self = .retinaFace
            return
        }
        if matrices.count == 6 || matrices.count == 9 {
            // Three strides, each with a score, a box and (for nine outputs) landmarks.
            let sizes = Set(matrices.map { $0[0] })
            let expectedWidths: [Int: Int] = matrices.count == 9 ? [1: 3, 4: 3, 10: 3] : [1: 3, 4: 3]
            let widthCounts = Dictionary(grouping: widths, by: { $0 }).mapValues(\.count)
            if sizes.count == SCRFDDecoding.strides.count, widthCounts == expectedWidths {
                self = .scrfd
                return
            }
        }
        return nil
    }

    /// A shape as rows × columns with any leading 1s dropped; nil when it has more than two
    /// other dimensions.
    static func rows(_ shape: [Int]) -> [Int]? {
        var trimmed = shape[...]
        while trimmed.count > 2, trimmed.first == 1 { trimmed = trimmed.dropFirst() }
        return trimmed.count == 2 ? Array(trimmed) : nil
    }

    /// A shape as `[1, 3, ?, ?]`, symbolic dimensions as `?`.
    static func describe(_ shape: [Int]) -> String {
        "[" + shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ") + "]"
    }

    /// The layout, as shown in reports and errors.
    public var description: String {
        switch self {
        case .retinaFace: "RetinaFace"
        case .scrfd: "SCRFD"
        case .yoloV5Face: "YOLOv5-face"
        case .yoloV8Face: "YOLOv8-face"
        }
    }

    /// How the image becomes the model's input: input plane c holds
    /// (pixel channel − `means[c]`) × `scale`, in `order`; the canvas around the image holds
    /// `padding` (model units: the mean colour for RetinaFace and SCRFD, Ultralytics' grey 114
    /// for YOLO).
    var normalization: TensorNormalization {
        switch self {
        case .retinaFace: TensorNormalization(order: .bgr, means: [104, 117, 123], scale: 1, padding: 0)
        case .scrfd: TensorNormalization(order: .rgb, means: [127.5, 127.5, 127.5], scale: 1 / 128, padding: 0)
        case .yoloV5Face, .yoloV8Face:
            TensorNormalization(order: .rgb, means: [0, 0, 0], scale: 1 / 255, padding: 114 / 255)
        }
    }
}
