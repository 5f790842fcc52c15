/// An exact fraction, as FFmpeg uses for time bases, frame rates and aspect ratios.
public struct Rational: Sendable, Hashable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a `Double` (nan when the denominator is 0).
    public var doubleValue: Double { denominator == 0 ? .nan : Double(numerator) / Double(denominator) }

    public var description: String { "\(numerator)/\(denominator)" }
}
