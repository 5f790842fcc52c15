/// A text detector's per-pixel text probability, row by row, in detector-input pixels.
public struct TextProbabilityMap: Sendable, Hashable {
    /// Width in map cells.
    public let width: Int
    /// Height in map cells.
    public let height: Int
    /// `width * height` probabilities, 0…1.
    public var values: [Float]

    /// A map from row-major probabilities.
    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "value count does not match the size")
        self.width = width
        self.height = height
        self.values = values
    }

    /// The probability at one cell.
    public subscript(x: Int, y: Int) -> Float { values[y * width + x] }

    /// Lends the map's values to `body` as a view (valid only inside it).
    func withView<Result>(_ body: (TextProbabilityView) -> Result) -> Result {
        values.withUnsafeBufferPointer { body(TextProbabilityView(width: width, height: height, values: $0)) }
    }
}

/// A text probability map read in place: the text detector's output lent by
/// ``InferenceSession/run(shape:fill:read:)``, or a ``TextProbabilityMap``'s values. Valid only
/// inside the closure that received it.
struct TextProbabilityView {
    /// Width in map cells.
    let width: Int
    /// Height in map cells.
    let height: Int
    /// `width * height` probabilities, 0…1, row by row.
    let values: UnsafeBufferPointer<Float>

    init(width: Int, height: Int, values: UnsafeBufferPointer<Float>) {
        precondition(values.count == width * height, "value count does not match the size")
        self.width = width
        self.height = height
        self.values = values
    }

    /// The probability at one cell.
    subscript(x: Int, y: Int) -> Float { values[y * width + x] }
}

/// One text region found in a probability map.
public struct TextRegion: Hashable, Sendable {
    /// The unclipped rectangle, in probability-map pixels.
    public var rect: RotatedRect
    /// Mean text probability inside the region before unclipping (DB's "box score").
    public var score: Double

    /// A region and its mean probability.
    public init(rect: RotatedRect, score: Double) {
        self.rect = rect
        self.score = score
    }
}
