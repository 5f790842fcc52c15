import Foundation
internal import VeilGeometry

/// A model output in the rows × columns view ``FaceModelLayout`` identifies layouts by, read in
/// place: valid only while the ``TensorView`` it was made from is.
struct OutputMatrix {
    /// Rows and columns (leading 1s of the tensor's shape dropped).
    let rows: Int
    let columns: Int
    let values: UnsafeBufferPointer<Float>

    init?(_ tensor: TensorView) {
        guard let shape = FaceModelLayout.rows(tensor.shape), shape[0] * shape[1] == tensor.values.count else {
            return nil
        }
        rows = shape[0]
        columns = shape[1]
        values = tensor.values
    }

    subscript(row: Int, column: Int) -> Float { values[row * columns + column] }
}

/// RetinaFace's priors and decoding (Pytorch_Retinaface's `PriorBox`, `decode`, `decode_landm`).
enum RetinaFaceDecoding {
    /// Feature-map steps and the two prior sizes (pixels) at each.
    static let levels: [(step: Int, sizes: [Double])] = [(8, [16, 32]), (16, [64, 128]), (32, [256, 512])]
    /// Box-centre and box-size variances of the training encoding.
    static let centerVariance = 0.1
    static let sizeVariance = 0.2

    /// One prior: centre and side in input pixels.
    struct Prior: Equatable {
        var centerX: Double
        var centerY: Double
        var side: Double
    }

    /// The priors of a `canvas`-sized input, in the order of the model's rows: per level, rows
    /// of cells, then cells, then sizes.
    static func priors(canvas: PixelSize) -> [Prior] {
        var priors: [Prior] = []
        for (step, sizes) in levels {
            let rows = (canvas.height + step - 1) / step
            let columns = (canvas.width + step - 1) / step
            for row in 0..<rows {
                for column in 0..<columns {
                    for side in sizes {
                        priors.append(
                            Prior(
                                centerX: (Double(column) + 0.5) * Double(step),
                                centerY: (Double(row) + 0.5) * Double(step),
                                side: side
                            )
                        )
                    }
                }
            }
        }
        return priors
    }

    /// The face probability of a (background, face) row: taken as is when the row is already a
    /// probability pair (exports that end in softmax), otherwise softmax of the two logits.
    static func faceProbability(background: Float, face: Float) -> Double {
        let (background, face) = (Double(background), Double(face))
        if (0...1).contains(background), (0...1).contains(face), abs(background + face - 1) < 0.01 {
            return face
        }
        return 1 / (1 + exp(background - face))
    }

    /// Detections in input pixels from the box, score and (optional) landmark outputs.
    static func decode(
        boxes: OutputMatrix,
        scores: OutputMatrix,
        landmarks: OutputMatrix?,
        canvas: PixelSize,
        scoreFloor: Double
    ) throws(DetectionError) -> [Detection] {
        let priors = priors(canvas: canvas)
        guard boxes.rows == priors.count else {
            throw .unexpectedOutput(
                model: "RetinaFace",
                reason: "\(boxes.rows) boxes, but a \(canvas.width)×\(canvas.height) input has \(priors.count) priors "
                    + "(steps 8/16/32, two sizes each)"
            )
        }
        var detections: [Detection] = []
        for (index, prior) in priors.enumerated() {
            let score = faceProbability(background: scores[index, 0], face: scores[index, 1])
            guard score >= scoreFloor else { continue }
            let reach = centerVariance * prior.side
            let box = Box(
                center: Point(
                    x: prior.centerX + Double(boxes[index, 0]) * reach,
                    y: prior.centerY + Double(boxes[index, 1]) * reach
                ),
                width: prior.side * exp(Double(boxes[index, 2]) * sizeVariance),
                height: prior.side * exp(Double(boxes[index, 3]) * sizeVariance)
            )
            let points = landmarks.map { marks in
                (0..<5).map { point in
                    Point(
                        x: prior.centerX + Double(marks[index, point * 2]) * reach,
                        y: prior.centerY + Double(marks[index, point * 2 + 1]) * reach
                    )
                }
            }
            detections.append(Detection(objectClass: .face, box: box, score: score, landmarks: points ?? []))
        }
        return detections
    }
}

/// SCRFD's anchor-centre decoding (insightface's `SCRFD.forward`, `distance2bbox`, `distance2kps`).
enum SCRFDDecoding {
    /// The feature-map strides, finest first.
    static let strides = [8, 16, 32]

    /// Detections in input pixels. `outputs` are the model's outputs in any order; each is
    /// placed by its width (1 score, 4 box, 10 landmarks) and its row count (the stride).
    static func decode(outputs: [OutputMatrix], canvas: PixelSize, scoreFloor: Double) throws(DetectionError)
        -> [Detection]
    {
        // Finer strides have more anchors: rows sorted descending follow strides 8, 16, 32.
        let rowCounts = Set(outputs.map(\.rows)).sorted(by: >)
        var detections: [Detection] = []
        for (level, stride) in strides.enumerated() {
            let rows = rowCounts[level]
            let level = outputs.filter { $0.rows == rows }
            guard let scores = level.first(where: { $0.columns == 1 }),
                let boxes = level.first(where: { $0.columns == 4 })
            else { throw .unexpectedOutput(model: "SCRFD", reason: "stride \(stride) lacks a score or a box output") }
            let landmarks = level.first(where: { $0.columns == 10 })
            let columns = canvas.width / stride
            let cells = columns * (canvas.height / stride)
            guard cells > 0, rows % cells == 0 else {
                throw .unexpectedOutput(
                    model: "SCRFD",
                    reason: "stride \(stride) has \(rows) anchors, not a multiple of the "
                        + "\(cells) cells of a \(canvas.width)×\(canvas.height) input"
                )
            }
            let anchorsPerCell = rows / cells
            let step = Double(stride)
            for index in 0..<rows {
                let score = Double(scores[index, 0])
                guard score >= scoreFloor else { continue }
                let cell = index / anchorsPerCell
                let centerX = Double(cell % columns) * step
                let centerY = Double(cell / columns) * step
                let box = Box(
                    minX: centerX - Double(boxes[index, 0]) * step,
                    minY: centerY - Double(boxes[index, 1]) * step,
                    maxX: centerX + Double(boxes[index, 2]) * step,
                    maxY: centerY + Double(boxes[index, 3]) * step
                )
                let points = landmarks.map { marks in
                    (0..<5).map { point in
                        Point(
                            x: centerX + Double(marks[index, point * 2]) * step,
                            y: centerY + Double(marks[index, point * 2 + 1]) * step
                        )
                    }
                }
                detections.append(Detection(objectClass: .face, box: box, score: score, landmarks: points ?? []))
            }
        }
        return detections
    }
}

/// YOLO-face decoding: boxes and landmarks already in input pixels.
enum YOLOFaceDecoding {
    /// Detections in input pixels from the one output, in `layout` (a YOLO one).
    static func decode(output: OutputMatrix, layout: FaceModelLayout, scoreFloor: Double) -> [Detection] {
        // YOLOv5-face: one row per candidate; YOLOv8-face: one column per candidate.
        let isRows = layout == .yoloV5Face
        let count = isRows ? output.rows : output.columns
        let attributes = isRows ? output.columns : output.rows
        func value(_ candidate: Int, _ attribute: Int) -> Double {
            Double(isRows ? output[candidate, attribute] : output[attribute, candidate])
        }
        var detections: [Detection] = []
        for candidate in 0..<count {
            let score = isRows ? value(candidate, 4) * value(candidate, 15) : value(candidate, 4)
            let width = value(candidate, 2)
            let height = value(candidate, 3)
            guard score >= scoreFloor, width > 0, height > 0 else { continue }
            // v5: five (x, y) pairs from attribute 5; v8: five (x, y, visibility) triples.
            let hasLandmarks = isRows || attributes >= 20
            let points: [Point] =
                hasLandmarks
                ? (0..<5).map { point in
                    let base = isRows ? 5 + point * 2 : 5 + point * 3
                    return Point(x: value(candidate, base), y: value(candidate, base + 1))
                } : []
            detections.append(
                Detection(
                    objectClass: .face,
                    box: Box(
                        center: Point(x: value(candidate, 0), y: value(candidate, 1)), width: width, height: height),
                    score: min(1, score),
                    landmarks: points
                )
            )
        }
        return detections
    }
}
