/// Recall among ground-truth objects of one size range.
///
/// Size is the box's shorter side in pixels (`Box.shortSide`), the measure
/// Veil's minimum-size filter and WIDER FACE's difficulty discussion use: a 12 × 40 px plate is a
/// 12 px object however long it is. (COCO buckets by √area instead; with its edges 32 and 96 a
/// square box lands in the same bucket either way.)
public struct SizeBucketMetrics: Hashable, Sendable, Codable {
    /// A readable range such as "16-32" or ">=96".
    public var label: String
    /// Inclusive lower edge in pixels.
    public var minimumSide: Double
    /// Exclusive upper edge in pixels, nil for the last bucket.
    public var maximumSide: Double?
    /// Scored objects in this range.
    public var groundTruthCount: Int
    /// Of those, how many a detection at or above the score threshold matched.
    public var truePositives: Int
    /// `truePositives / groundTruthCount`, nil when the bucket is empty.
    public var recall: Double?
    /// The fraction of the bucket's objects covered by masks, nil when the bucket is empty or
    /// no masks were supplied.
    public var coverageRecall: Double?

    /// A bucket's metrics.
    public init(
        label: String, minimumSide: Double, maximumSide: Double?, groundTruthCount: Int, truePositives: Int,
        recall: Double?, coverageRecall: Double?
    ) {
        self.label = label
        self.minimumSide = minimumSide
        self.maximumSide = maximumSide
        self.groundTruthCount = groundTruthCount
        self.truePositives = truePositives
        self.recall = recall
        self.coverageRecall = coverageRecall
    }

    /// Encodes undefined metrics as `null` so every report has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        try container.encode(minimumSide, forKey: .minimumSide)
        try container.encode(maximumSide, forKey: .maximumSide)
        try container.encode(groundTruthCount, forKey: .groundTruthCount)
        try container.encode(truePositives, forKey: .truePositives)
        try container.encode(recall, forKey: .recall)
        try container.encode(coverageRecall, forKey: .coverageRecall)
    }
}
