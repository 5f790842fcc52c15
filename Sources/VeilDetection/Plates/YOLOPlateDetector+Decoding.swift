internal import VeilGeometry

extension YOLOPlateDetector {
    /// How a YOLO export lays out its one output tensor. N is the number of candidate boxes
    /// (8400 at 640 × 640), C the number of classes; boxes are centre x, centre y, width and
    /// height in input pixels.
    public enum OutputLayout: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `[1, N, 5 + C]`: per candidate cx, cy, w, h, objectness, then C class scores;
        /// score = objectness × class score. YOLOv5 and YOLOv7 exports.
        case yolov5
        /// `[1, 4 + C, N]`: per candidate (one column each) cx, cy, w, h, then C class scores
        /// with no objectness. Ultralytics YOLOv8, YOLOv9 and YOLO11 exports.
        case yolov8

        /// The layout an output shape has, or nil when it matches neither.
        ///
        /// The rule: a rank-3 shape `[1, A, B]` is ``yolov8`` (`[1, 4 + C, N]`) when A < B and
        /// A ≥ 5, and ``yolov5`` (`[1, N, 5 + C]`) when A > B and B ≥ 6; exports have far more
        /// candidates than classes, so the shorter side holds the box attributes. A = B is
        /// ambiguous: set ``Configuration/layout`` for such a model.
        public init?(outputShape shape: [Int]) {
            guard shape.count == 3, shape[0] == 1 else { return nil }
            if shape[1] < shape[2] {
                self = .yolov8
            } else if shape[1] > shape[2] {
                self = .yolov5
            } else {
                return nil
            }
            guard classCount(in: shape) >= 1 else { return nil }
        }

        /// The layout, as shown in error messages.
        public var description: String {
            switch self {
            case .yolov5: "YOLOv5 [1, N, 5 + C]"
            case .yolov8: "YOLOv8/v11 [1, 4 + C, N]"
            }
        }

        /// Box attributes before the class scores.
        var leadingAttributes: Int { self == .yolov5 ? 5 : 4 }

        /// C, from an output shape in this layout (0 or less when the shape cannot be one).
        func classCount(in shape: [Int]) -> Int {
            guard shape.count == 3, shape[0] == 1 else { return 0 }
            return (self == .yolov5 ? shape[2] : shape[1]) - leadingAttributes
        }

        /// N, from an output shape in this layout.
        func candidateCount(in shape: [Int]) -> Int { self == .yolov5 ? shape[1] : shape[2] }
    }

    /// Every candidate whose plate score is at least `scoreFloor`, in input coordinates,
    /// before suppression.
    ///
    /// - Parameters:
    ///   - output: the model's output, in `layout`.
    ///   - plateClasses: class indices that mean "plate"; a candidate's class score is the
    ///     highest among them.
    /// - Complexity: O(*N* × *C*).
    static func candidates(
        in output: TensorView,
        layout: OutputLayout,
        plateClasses: [Int],
        scoreFloor: Double
    ) -> [Detection] {
        let count = layout.candidateCount(in: output.shape)
        let attributes = layout.leadingAttributes + layout.classCount(in: output.shape)
        precondition(output.values.count == count * attributes, "output size does not match its shape")
        // Element `attribute` of candidate `index`: rows per candidate (v5) or columns (v8).
        let candidateStride = layout == .yolov5 ? attributes : 1
        let attributeStride = layout == .yolov5 ? 1 : count
        var detections: [Detection] = []
        let values = output.values
        for index in 0..<count {
            let base = index * candidateStride
            func value(_ attribute: Int) -> Double { Double(values[base + attribute * attributeStride]) }
            var classScore = 0.0
            for plateClass in plateClasses {
                classScore = max(classScore, value(layout.leadingAttributes + plateClass))
            }
            let score = min(1, layout == .yolov5 ? value(4) * classScore : classScore)
            let width = value(2)
            let height = value(3)
            guard score >= scoreFloor, width > 0, height > 0 else { continue }
            detections.append(
                Detection(
                    objectClass: .plate,
                    box: Box(center: Point(x: value(0), y: value(1)), width: width, height: height),
                    score: score
                )
            )
        }
        return detections
    }
}
