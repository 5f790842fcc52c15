import VeilMasking

/// A tiny seeded random number generator (Steele, Lea and Flood's SplitMix64), so that the
/// randomized tests fail the same way every time. Shared by the test targets; not part of the
/// `Veil` library product. The generator itself is the library's ``KeyedNoise``: one
/// implementation, a test-friendly name.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var noise: KeyedNoise

    public init(seed: UInt64) {
        noise = KeyedNoise(key: seed)
    }

    public mutating func next() -> UInt64 { noise.next() }
}
