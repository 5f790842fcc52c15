/// One bin of the distribution of ground-truth objects' best IoU with any detection.
public struct IoUHistogramBin: Hashable, Sendable, Codable {
    /// Inclusive lower edge.
    public var lowerBound: Double
    /// Exclusive upper edge (the last bin includes 1).
    public var upperBound: Double
    /// Objects whose best IoU falls in the bin.
    public var count: Int

    /// A bin.
    public init(lowerBound: Double, upperBound: Double, count: Int) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.count = count
    }

    /// Bins of equal width over 0…1 counting the given IoU values.
    ///
    /// - Complexity: O(*n* + *bins*).
    static func bins(counting values: [Double], binCount: Int) -> [IoUHistogramBin] {
        var counts = [Int](repeating: 0, count: binCount)
        for value in values {
            let index = min(binCount - 1, max(0, Int((value * Double(binCount)).rounded(.down))))
            counts[index] += 1
        }
        return counts.enumerated().map { index, count in
            IoUHistogramBin(
                lowerBound: Double(index) / Double(binCount), upperBound: Double(index + 1) / Double(binCount),
                count: count
            )
        }
    }
}
