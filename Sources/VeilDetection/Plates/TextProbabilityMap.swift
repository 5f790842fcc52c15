/// A text detector's per-pixel text probability, row by row, in detector-input pixels.
public struct TextProbabilityMap: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// `width * height` probabilities, 0…1.
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "value count does not match the size")
        self.width = width
        self.height = height
        self.values = values
    }

    public subscript(x: Int, y: Int) -> Float { values[y * width + x] }
}

/// One text region found in a probability map.
public struct TextRegion: Hashable, Sendable {
    /// The unclipped rectangle, in probability-map pixels.
    public var rect: RotatedRect
    /// Mean text probability inside the region before unclipping (DB's "box score").
    public var score: Double

    public init(rect: RotatedRect, score: Double) {
        self.rect = rect
        self.score = score
    }
}
