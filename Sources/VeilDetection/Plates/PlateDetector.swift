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
/// Steps: (1) resize so the longer side is at most ``Configuration/maximumInputSide`` and both
/// sides are multiples of 32, normalise as rapidocr does; (2) run the model; (3) DB
/// post-processing (``DBPostProcessing``); (4) drop text that does not look like a plate
/// (``PlateVerifier``); (5) grow each text box to the plate and merge overlaps
/// (``PlateGeometry``). Scores are the text detector's box score (≥ its minimum, 0.5).
///
/// Boxes are meant to be masked as they are: they are larger than the plate (median 1.8 ×
/// its area on the dev set) so that they cover the whole frame.
public struct PlateDetector: ObjectDetector {
    /// Everything that shapes the result, with measured defaults (docs/PLATES.md).
    public struct Configuration: Sendable, Hashable {
        /// The longer side of the detector input. 960 found 98.2 % of the dev set's plates
        /// at ~90 ms; 640 found as many there at ~55 ms but sees plates 1.5 × smaller, so
        /// distant plates (under ~30 px tall in a 1920 px photo) start to go missing.
        public var maximumInputSide: Int = 960
        /// How text regions are cut from the probability map.
        public var postProcessing = DBPostProcessing()
        /// How text regions are judged to be plates.
        public var verifier = PlateVerifier()
        /// The plate shapes accepted.
        public var geometry = PlateGeometry()

        /// The tuned defaults.
        public init() {}
    }

    /// Input sides are rounded to multiples of this (the network downsamples 32 ×).
    static let inputGranularity = 32
    /// rapidocr's normalisation: (value / 255 − 0.5) / 0.5, on BGR.
    static let mean: Float = 0.5
    static let standardDeviation: Float = 0.5

    /// "ppocr-plates".
    public let name = "ppocr-plates"
    /// The longest side the text detector runs at.
    public var workingSide: Int? { configuration.maximumInputSide }
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
        let (map, inputSize) = try probabilityMap(for: image)
        return plates(from: map, inputSize: inputSize, in: image)
    }

    /// Steps 3–5: the plates in `image` given its text probability map.
    func plates(from map: TextProbabilityMap, inputSize: PixelSize, in image: Image) -> [Detection] {
        let scaleX = Double(image.width) / Double(inputSize.width)
        let scaleY = Double(image.height) / Double(inputSize.height)
        let bounds = image.size.bounds
        var plates: [Detection] = []
        for region in configuration.postProcessing.regions(in: map) {
            let textBox = region.rect.boundingBox.scaled(x: scaleX, y: scaleY).clamped(to: bounds)
            guard !textBox.isEmpty,
                let features = PlateFeatures(textBox: textBox, textScore: region.score, in: image),
                configuration.verifier.accepts(features)
            else { continue }
            let plate = configuration.geometry.plateBox(aroundText: textBox).clamped(to: bounds)
            plates.append(Detection(objectClass: .plate, box: plate, score: region.score))
        }
        return configuration.geometry.merged(plates)
    }

    /// The text probability map for an image and the input size it was computed at.
    public func probabilityMap(for image: Image) throws(DetectionError) -> (TextProbabilityMap, PixelSize) {
        let size = Self.inputSize(for: image.size, maximumSide: configuration.maximumInputSide)
        let resized: Image
        do {
            resized = try image.resized(to: size, interpolation: .linear)
        } catch {
            throw .inferenceFailed(model: name, reason: "cannot resize the image: \(error)")
        }
        let outputs = try session.run(input: Self.tensor(from: resized), shape: [1, 3, size.height, size.width])
        guard let output = outputs.values.first, output.shape.suffix(2) == [size.height, size.width],
            output.values.count == size.width * size.height
        else {
            throw .unexpectedOutput(
                model: models[0].name,
                reason: "expected a [1, 1, \(size.height), \(size.width)] probability map, "
                    + "got \(outputs.values.first?.shape ?? [])"
            )
        }
        return (TextProbabilityMap(width: size.width, height: size.height, values: output.values), size)
    }

    /// The detector input size: longer side at most `maximumSide` (never enlarged), each side
    /// rounded to the nearest multiple of 32 (at least 32), as rapidocr does.
    public static func inputSize(for size: PixelSize, maximumSide: Int) -> PixelSize {
        let ratio = min(1, Double(maximumSide) / Double(max(size.width, size.height)))
        func rounded(_ side: Int) -> Int {
            let scaled = Double(Int(Double(side) * ratio))
            return max(inputGranularity, Int((scaled / Double(inputGranularity)).rounded()) * inputGranularity)
        }
        return PixelSize(width: rounded(size.width), height: rounded(size.height))
    }

    /// Planar (CHW) BGR floats, normalised.
    static func tensor(from image: Image) -> [Float] {
        let planeSize = image.width * image.height
        var tensor = [Float](repeating: 0, count: 3 * planeSize)
        image.pixels.withUnsafeBufferPointer { pixels in
            tensor.withUnsafeMutableBufferPointer { values in
                for index in 0..<planeSize {
                    for channel in 0..<3 {
                        values[channel * planeSize + index] =
                            (Float(pixels[index * 3 + channel]) / 255 - mean) / standardDeviation
                    }
                }
            }
        }
        return tensor
    }
}
