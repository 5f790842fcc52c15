/// How long the detector took per image, from the times the caller measured.
public struct TimingSummary: Hashable, Sendable, Codable {
    /// The percentile reported next to the mean: the slow tail users feel on long videos.
    static let tailPercentile = 95.0

    /// Images that carried a time.
    public var imageCount: Int
    /// Mean per image.
    public var meanMilliseconds: Double
    /// Median per image.
    public var medianMilliseconds: Double
    /// Nearest-rank 95th percentile.
    public var percentile95Milliseconds: Double
    /// Images per second if they were processed one after another: `imageCount / Σ seconds`.
    /// A pipelined run (decode ∥ detect ∥ encode) can beat it.
    public var imagesPerSecond: Double

    /// A summary from its values.
    public init(
        imageCount: Int, meanMilliseconds: Double, medianMilliseconds: Double, percentile95Milliseconds: Double,
        imagesPerSecond: Double
    ) {
        self.imageCount = imageCount
        self.meanMilliseconds = meanMilliseconds
        self.medianMilliseconds = medianMilliseconds
        self.percentile95Milliseconds = percentile95Milliseconds
        self.imagesPerSecond = imagesPerSecond
    }

    /// The summary of per-image durations in seconds, or nil when there are none or they sum to 0.
    ///
    /// - Complexity: O(*n* log *n*).
    public init?(seconds: [Double]) {
        let total = seconds.reduce(0, +)
        guard !seconds.isEmpty, total > 0 else { return nil }
        let millisecondsPerSecond = 1000.0
        let sorted = seconds.sorted().map { $0 * millisecondsPerSecond }
        let middle = sorted.count / 2
        let median = sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        let rank = Int((Self.tailPercentile / 100 * Double(sorted.count)).rounded(.up))
        self.init(
            imageCount: seconds.count,
            meanMilliseconds: total * millisecondsPerSecond / Double(seconds.count),
            medianMilliseconds: median,
            percentile95Milliseconds: sorted[max(0, rank - 1)],
            imagesPerSecond: Double(seconds.count) / total
        )
    }
}
