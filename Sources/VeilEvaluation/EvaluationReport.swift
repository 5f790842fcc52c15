public import VeilGeometry

/// The result of scoring a detector on a dataset: per-class metrics, timing and the settings
/// that produced them. Encodes to JSON with camelCase keys:
///
/// ```json
/// {"imageCount": 9,
///  "classes": {"face": {"precision": 0.93, "recall": 0.91, "f1": 0.92, "ap50": 0.9, "map": 0.41, …}},
///  "timing": {"meanMilliseconds": 11.2, "imagesPerSecond": 89.3, …},
///  "configuration": {"iouThreshold": 0.5, …}}
/// ```
public struct EvaluationReport: Hashable, Sendable, Codable {
    /// Images in the dataset (with or without predictions).
    public var imageCount: Int
    /// Metrics for each evaluated class.
    public var classes: [ObjectClass: ClassMetrics]
    /// Per-image latency and throughput, nil when no prediction carried a time.
    public var timing: TimingSummary?
    /// The settings the numbers were measured with.
    public var configuration: EvaluationConfiguration

    /// A report from its parts.
    public init(
        imageCount: Int, classes: [ObjectClass: ClassMetrics], timing: TimingSummary?,
        configuration: EvaluationConfiguration
    ) {
        self.imageCount = imageCount
        self.classes = classes
        self.timing = timing
        self.configuration = configuration
    }

    enum CodingKeys: String, CodingKey {
        case imageCount, classes, timing, configuration
    }

    /// Decodes a report written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        imageCount = try container.decode(Int.self, forKey: .imageCount)
        timing = try container.decodeIfPresent(TimingSummary.self, forKey: .timing)
        configuration = try container.decode(EvaluationConfiguration.self, forKey: .configuration)
        let byName = try container.decode([String: ClassMetrics].self, forKey: .classes)
        var classes: [ObjectClass: ClassMetrics] = [:]
        for (name, metrics) in byName {
            guard let objectClass = ObjectClass(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .classes, in: container, debugDescription: "unknown class '\(name)'"
                )
            }
            classes[objectClass] = metrics
        }
        self.classes = classes
    }

    /// Writes `classes` as an object keyed by class name (`"face"`, `"plate"`), not as the
    /// key–value array Swift uses for dictionaries with non-string keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageCount, forKey: .imageCount)
        let byName = Dictionary(uniqueKeysWithValues: classes.map { ($0.key.rawValue, $0.value) })
        try container.encode(byName, forKey: .classes)
        try container.encode(timing, forKey: .timing)
        try container.encode(configuration, forKey: .configuration)
    }
}
