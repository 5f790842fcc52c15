/// An exact fraction, as FFmpeg uses for time bases, frame rates and aspect ratios.
public struct Rational: Sendable, Hashable, CustomStringConvertible {
    /// The numerator.
    public var numerator: Int
    /// The denominator.
    public var denominator: Int

    /// numerator / denominator.
    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a `Double` (nan when the denominator is 0).
    public var doubleValue: Double { denominator == 0 ? .nan : Double(numerator) / Double(denominator) }

    /// "n/d".
    public var description: String { "\(numerator)/\(denominator)" }
}
