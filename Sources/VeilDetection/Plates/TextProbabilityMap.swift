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
