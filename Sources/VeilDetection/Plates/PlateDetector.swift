public import Foundation
public import VeilGeometry
public import VeilMedia

/// Finds licence plates: text regions from the PP-OCRv4 text detector, grown to the plate
/// around them, kept when they look like a plate.
///
/// ```swift
/// let detector = try PlateDetector(modelURL: URL(filePath: "/usr/local/share/veil/models/ppocrv4_det.onnx"))
/// let plates = try detector.detect(in: image)  // objectClass .plate, boxes cover the plate frame
/// ```
///
/// Steps: (1) scale the image (and, for large ones, overlapping tiles) so that the smallest
/// plate's characters reach the size the detector reads (``PlateScanPlan``), both sides
/// multiples of 32, normalised (``Configuration/normalization``); (2) run the model on each; (3) DB
/// post-processing (``DBPostProcessing``); (4) join split pieces of one line and drop text
/// that does not look like a plate, trying the tallest line of characters inside tall boxes
/// (``PlateCharacterLines``, ``PlateVerifier``); on photos, small or faint text that is not a
/// plate (and not a sentence or mixed-case words) is read again enlarged (``PlateScanPlan/revisitScale``); (5) grow
/// each text box to the plate and merge overlaps (``PlateGeometry``). Scores are the text detector's box score (≥ its minimum, 0.5).
///
/// Boxes are meant to be masked as they are: they are larger than the plate (median 1.8 ×
/// its area on the dev set) so that they cover the whole frame.
public struct PlateDetector: ObjectDetector {
    /// Everything that shapes the result, with measured defaults (docs/PLATES.md).
    public struct Configuration: Sendable, Hashable {
        /// How the image is scaled and tiled for the text detector: small photos enlarged,
        /// large ones searched in full-resolution tiles, from the smallest plate that must be
        /// found (``PlateScanPlan``).
        public var scan = PlateScanPlan.Configuration()
        /// The longer side of the whole-image pass when tiles are added, and of every pass
        /// when tiling is off (video). 960 found 98.2 % of the dev set's plates at ~90 ms; 640
        /// found as many there at ~55 ms but sees plates 1.5 × smaller.
        public var maximumInputSide: Int {
            get { scan.wholeInputSide }
            set { scan.wholeInputSide = newValue }
        }
        /// How text regions are cut from the probability map.
        public var postProcessing = DBPostProcessing()
        /// How faint text is cut from the same map on photos: regions the detector is unsure
        /// of (small plates at the needed scale often are), read again enlarged
        /// (``PlateScanPlan/revisitScale``), never masked as they are.
        public var faintText: DBPostProcessing = {
            var faint = DBPostProcessing()
            faint.binarizationThreshold = 0.15
            faint.minimumScore = 0.25
            return faint
        }()
        /// How text regions are judged to be plates.
        public var verifier = PlateVerifier()
        /// How split pieces are joined and lines of characters found in tall text boxes.
        public var lines = PlateCharacterLines()
        /// The plate shapes accepted.
        public var geometry = PlateGeometry()
        /// When set, a squarish text region that fails every other test is searched for a
        /// plate field (``PlateFieldSearch``: a plate the detector boxed whole). Nil (off) by
        /// default: it accepts labels and small signs more easily than the verifier; video
        /// turns it on for its high-resolution passes on wide frames (docs/PLATES.md).
        public var plateFields: PlateFieldSearch?
        /// When set, a photo the plan enlarges is first read at the needed scale, and the
        /// enlarged pass runs only around the text found there (``GuidedPlateScan``); nil: the
        /// plan runs over the whole image. Only when tiling is allowed (stills): photos turn it
        /// on (`DetectionProfile.stills`).
        public var guide: GuidedPlateScan?
        /// How pixels are scaled for the text detector. rapidocr's by default (what the
        /// default ``verifier`` was fit under); photos use ImageNet's with
        /// ``PlateVerifier/photos`` (`DetectionProfile.stills`). A verifier is fit for one
        /// normalisation: the text score and the boxes it measures change with it.
        public var normalization = InputNormalization.rapidOCR

        /// The tuned defaults.
        public init() {}
    }

    /// Input sides are rounded to multiples of this (the network downsamples 32 ×).
    static let inputGranularity = 32

    /// How 8-bit pixels become the text detector's input: (value / 255 − mean) / deviation per
    /// channel, planes in BGR order.
    public enum InputNormalization: Sendable, Hashable {
        /// rapidocr's: mean 0.5 and deviation 0.5 on every channel. rapidocr pairs it with
        /// enlarging every image to a shorter side of 736 px; at small inputs it can blind the
        /// detector (docs/DECISIONS.md).
        case rapidOCR
        /// PaddleOCR's training normalisation: ImageNet's means (0.485, 0.456, 0.406) and
        /// deviations (0.229, 0.224, 0.225), applied to the B, G, R planes in that order as
        /// PaddleOCR does on images read by OpenCV.
        case imageNet

        /// Per-plane (B, G, R) mean and deviation.
        var planes: [(mean: Float, deviation: Float)] {
            switch self {
            case .rapidOCR: [(0.5, 0.5), (0.5, 0.5), (0.5, 0.5)]
            case .imageNet: [(0.485, 0.229), (0.456, 0.224), (0.406, 0.225)]
            }
        }
    }

    /// "ppocr-plates".
    public let name = "ppocr-plates"
    /// The longest side the text detector runs at.
    public var workingSide: Int? { configuration.scan.allowsTiling ? nil : configuration.maximumInputSide }
    /// The text detector model.
    public let models: [ModelFingerprint]
    /// How it searches.
    public let configuration: Configuration
    private let session: InferenceSession

    /// Loads the text detector.
    ///
    /// - Parameters:
    ///   - modelURL: a PP-OCR (v3/v4) DB text detector exported to ONNX, input `[1, 3, H, W]`,
    ///     output `[1, 1, H, W]` probabilities.
    ///   - sha256: the model file's SHA-256 for reports, when the caller has it.
    ///   - configuration: input size, post-processing, verification and geometry.
    ///   - options: inference options (threads, GPU).
    public init(
        modelURL: URL,
        sha256: String = "unknown",
        configuration: Configuration = Configuration(),
        options: InferenceOptions = InferenceOptions()
    ) throws(DetectionError) {
        session = try InferenceSession(modelURL: modelURL, options: options)
        guard session.outputNames.count == 1, session.inputShape.count == 4 || session.inputShape.isEmpty else {
            throw .unexpectedOutput(
                model: modelURL.lastPathComponent,
                reason: "expected one [1, 3, H, W] input and one probability-map output, "
                    + "found outputs \(session.outputNames)"
            )
        }
        models = [ModelFingerprint(name: modelURL.lastPathComponent, sha256: sha256)]
        self.configuration = configuration
    }

    /// Plates in `image`.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        let plan = configuration.scan.plan(for: image.size)
        let revisits = plan.revisitScale > 0
        var texts: [PlateText] = []
        var faint: [PlateText] = []
        for pass in try passes(of: plan, in: image) {
            let found = try textRegions(in: image, crop: pass.crop, scale: pass.scale, faint: revisits)
            texts += found.texts
            faint += found.faint
        }
        let (plates, rejected, pieces) = configuration.verified(texts, in: image)
        let finestScale = plan.finestScale
        // Text with more glyphs than a plate holds is a sentence (a timestamp, a banner), text
        // in mixed case is words (a sign's hours, a badge): read again enlarged, its pieces
        // would pass the glyph cap and the letter-case rule one by one.
        let sentences = rejected.filter { isSentence($0, in: image) }.map(\.box)
        func withinSentence(_ box: Box) -> Bool { sentences.contains { $0.contains(box.center) } }
        let unexplained = faint.filter { text in !plates.contains { $0.box.intersection(text.box) != nil } }
        // A piece of a plate is read again with three of its heights of room on either side,
        // where the rest of the plate's characters would be.
        let widened = pieces.map {
            Box(minX: $0.minX - 3 * $0.height, minY: $0.minY, maxX: $0.maxX + 3 * $0.height, maxY: $0.maxY)
        }
        let crops = configuration.scan.revisitCrops(
            around: (rejected + unexplained).map(\.box).filter { !withinSentence($0) } + widened,
            seenAt: finestScale, revisitScale: plan.revisitScale, imageSize: image.size)
        var revisited: [PlateText] = []
        for crop in crops {
            let longest = max(crop.width, crop.height)
            let scale = min(plan.revisitScale, Double(configuration.scan.maximumSinglePassSide) / longest)
            guard scale >= finestScale * 1.25 else { continue }
            revisited += try textRegions(in: image, crop: crop, scale: scale, faint: false).texts
        }
        let found = configuration.verified(revisited, in: image).plates.filter { !withinSentence($0.box) }
        return configuration.geometry.merged(plates + found)
    }

    /// The passes of `plan` over `image`: confined to the regions the guide proposes
    /// (``Configuration/guide``), none when it proposes none, or the plan's own passes over the
    /// whole image when there is no guide, it would not pay, or its regions cover too much.
    func passes(of plan: PlateScanPlan, in image: Image) throws(DetectionError) -> [PlateScanPlan.Pass] {
        let scan = configuration.scan
        guard let guide = configuration.guide, scan.allowsTiling,
            let scale = guide.scale(for: plan, needed: scan.neededScale)
        else { return plan.passes(imageSize: image.size) }
        // Rounded up: the nearest multiple of 32 may shrink one side of a small photo by a few
        // percent, enough to lose small characters (2 of stacked-small's plates at 1.01 ×).
        let size = Self.inputSize(for: image.size, scale: scale, rounding: .up)
        let proposals = try withProbabilityMap(for: image, inputSize: size) { map in
            texts(from: map, inputSize: size, imageSize: image.size, postProcessing: guide.proposals)
        }
        guard let regions = guide.regions(around: proposals.map(\.box), in: image.size.bounds) else {
            return plan.passes(imageSize: image.size)
        }
        return scan.passes(of: plan, in: regions, imageSize: image.size)
    }

    /// Whether `text` has more glyph-like components than a plate line holds, or more
    /// lower-case letters than a plate (``PlateVerifier/maximumLowercaseGlyphs``): its pieces,
    /// read again enlarged, could pass one by one ("8-18" of "Mon-Fri 8-18").
    private func isSentence(_ text: PlateText, in image: Image) -> Bool {
        guard let features = PlateFeatures(textBox: text.box, textScore: text.score, in: image) else { return false }
        let verifier = configuration.verifier
        return features.glyphCount > verifier.maximumGlyphs
            || features.lowercaseGlyphCount > verifier.maximumLowercaseGlyphs
    }

    /// Text regions found in `crop` of `image` at `scale`, in `image`'s pixels, and when
    /// `faint`, the fainter text of the same map (``faintText``: candidates to read again,
    /// never plates by themselves).
    private func textRegions(in image: Image, crop: Box, scale: Double, faint: Bool) throws(DetectionError)
        -> (texts: [PlateText], faint: [PlateText])
    {
        let whole = crop == image.size.bounds
        let source = whole ? image : image.cropped(to: crop)
        let size = Self.inputSize(for: source.size, scale: scale)
        func placed(_ texts: [PlateText]) -> [PlateText] {
            whole
                ? texts
                : texts.map { text in
                    var text = text
                    text.box = text.box.offsetBy(dx: crop.minX, dy: crop.minY)
                    if let centre = text.rotated?.center {
                        text.rotated?.center = Point(x: centre.x + crop.minX, y: centre.y + crop.minY)
                    }
                    return text
                }
        }
        let (found, faintTexts) = try withProbabilityMap(for: source, inputSize: size) { map in
            let found = texts(from: map, inputSize: size, imageSize: source.size)
            guard faint else { return (found, [PlateText]()) }
            return (
                found,
                texts(from: map, inputSize: size, imageSize: source.size, postProcessing: configuration.faintText)
            )
        }
        return (placed(found), placed(faintTexts))
    }

    /// Steps 3–5: the plates in `image` given its text probability map.
    func plates(from map: TextProbabilityMap, inputSize: PixelSize, in image: Image) -> [Detection] {
        plates(fromText: map.withView { texts(from: $0, inputSize: inputSize, imageSize: image.size) }, in: image)
    }

    /// Text regions (boxes in `image`'s pixels) found at `scale`.
    func textRegions(in image: Image, scale: Double) throws(DetectionError) -> [PlateText] {
        let size = Self.inputSize(for: image.size, scale: scale)
        return try withProbabilityMap(for: image, inputSize: size) { map in
            texts(from: map, inputSize: size, imageSize: image.size)
        }
    }

    private func texts(
        from map: TextProbabilityView, inputSize: PixelSize, imageSize: PixelSize,
        postProcessing: DBPostProcessing? = nil
    ) -> [PlateText] {
        let scaleX = Double(imageSize.width) / Double(inputSize.width)
        let scaleY = Double(imageSize.height) / Double(inputSize.height)
        return (postProcessing ?? configuration.postProcessing).regions(in: map).compactMap { region in
            let box = region.rect.boundingBox.scaled(x: scaleX, y: scaleY).clamped(to: imageSize.bounds)
            // Input sides are rounded to multiples of 32, so the two scales differ by under
            // 5 %: the turned rectangle takes their mean.
            let scale = (scaleX + scaleY) / 2
            let rect = region.rect
            let rotated = RotatedRect(
                center: Point(x: rect.center.x * scaleX, y: rect.center.y * scaleY),
                width: rect.width * scale, height: rect.height * scale, angle: rect.angle)
            return box.isEmpty ? nil : PlateText(box: box, score: region.score, rotated: rotated)
        }
    }

    /// Steps 4–5 on text found anywhere in the image (any pass): same-line pieces joined,
    /// each kept when it, or one of its lines of characters, looks like a plate, grown to the
    /// plate and merged.
    func plates(fromText texts: [PlateText], in image: Image) -> [Detection] {
        configuration.geometry.merged(configuration.verified(texts, in: image).plates)
    }

    /// The text probability map for an image and the input size it was computed at.
    public func probabilityMap(for image: Image) throws(DetectionError) -> (TextProbabilityMap, PixelSize) {
        let size = Self.inputSize(for: image.size, maximumSide: configuration.maximumInputSide)
        return (try probabilityMap(for: image, inputSize: size), size)
    }

    /// The text probability map of `image` resized to `size`, copied out of the model's output
    /// (for callers that keep it; the detector's own passes read it in place).
    func probabilityMap(for image: Image, inputSize size: PixelSize) throws(DetectionError) -> TextProbabilityMap {
        try withProbabilityMap(for: image, inputSize: size) { map in
            TextProbabilityMap(width: map.width, height: map.height, values: Array(map.values))
        }
    }

    /// Runs the text detector on `image` resized to `size` and lends its probability map to
    /// `body`, read in place in the model's output: the view is valid only inside `body`
    /// (``InferenceSession/run(shape:fill:read:)``).
    func withProbabilityMap<Result>(
        for image: Image, inputSize size: PixelSize, _ body: (TextProbabilityView) -> Result
    ) throws(DetectionError) -> Result {
        let resized: Image
        do {
            resized = try image.resized(to: size, interpolation: .linear)
        } catch {
            throw .inferenceFailed(model: name, reason: "cannot resize the image: \(error)")
        }
        let model = models[0].name
        return try session.run(shape: [1, 3, size.height, size.width]) { tensor in
            Self.writeTensor(of: resized, into: tensor, normalization: configuration.normalization)
        } read: { (outputs) throws(DetectionError) in
            guard let output = outputs.tensors.first, output.shape.suffix(2) == [size.height, size.width],
                output.values.count == size.width * size.height
            else {
                throw .unexpectedOutput(
                    model: model,
                    reason: "expected a [1, 1, \(size.height), \(size.width)] probability map, "
                        + "got \(outputs.tensors.first?.shape ?? [])"
                )
            }
            return body(TextProbabilityView(width: size.width, height: size.height, values: output.values))
        }
    }

    /// The detector input size: longer side at most `maximumSide` (never enlarged), each side
    /// rounded to the nearest multiple of 32 (at least 32), as rapidocr does.
    public static func inputSize(for size: PixelSize, maximumSide: Int) -> PixelSize {
        inputSize(for: size, scale: min(1, Double(maximumSide) / Double(max(size.width, size.height))))
    }

    /// The detector input size for `size` scaled by `ratio`, each side rounded to a multiple
    /// of 32 (at least 32): the nearest, as rapidocr does, or the next one up.
    public static func inputSize(
        for size: PixelSize, scale ratio: Double, rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> PixelSize {
        func rounded(_ side: Int) -> Int {
            let scaled = Double(Int(Double(side) * ratio))
            let steps = (scaled / Double(inputGranularity)).rounded(rounding)
            return max(inputGranularity, Int(steps) * inputGranularity)
        }
        return PixelSize(width: rounded(size.width), height: rounded(size.height))
    }

    /// Writes `image` as planar (CHW) BGR floats, normalised, into `tensor` (3 × its pixels:
    /// every element written).
    static func writeTensor(
        of image: Image, into tensor: UnsafeMutableBufferPointer<Float>, normalization: InputNormalization
    ) {
        let planeSize = image.width * image.height
        precondition(tensor.count == 3 * planeSize, "the tensor must hold the image's three planes")
        // value / 255 − mean, divided by the deviation: one multiply and one add per element.
        let planes = normalization.planes
        let scales = planes.map { 1 / (255 * $0.deviation) }
        let offsets = planes.map { -$0.mean / $0.deviation }
        image.pixels.withUnsafeBufferPointer { pixels in
            for channel in 0..<3 {
                let scale = scales[channel]
                let offset = offsets[channel]
                let plane = channel * planeSize
                for index in 0..<planeSize {
                    tensor[plane + index] = Float(pixels[index * 3 + channel]) * scale + offset
                }
            }
        }
    }
}
