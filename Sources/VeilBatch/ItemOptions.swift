public import VeilGeometry
public import VeilPipeline

/// Options one manifest item sets for itself (JSON Lines only); each overrides the command
/// line's value for that item alone, and enters its settings hash.
///
/// ```json
/// {"input": "cams/gate.jpg", "options": {"quality": 80, "targets": ["face"], "allowDamaged": true}}
/// ```
public struct ItemOptions: Sendable, Hashable, Codable {
    /// JPEG/WebP quality, 1…100.
    public var quality: Int?
    /// Classes masked ("face", "plate").
    public var targets: [ObjectClass]?
    /// Minimum detector score, 0…1.
    public var threshold: Double?
    /// Keep harmless metadata (never GPS, thumbnails, serials).
    public var keepMetadata: Bool?
    /// Process what decodes of a damaged photo instead of refusing it.
    public var allowDamaged: Bool?

    /// No override.
    public init(
        quality: Int? = nil, targets: [ObjectClass]? = nil, threshold: Double? = nil, keepMetadata: Bool? = nil,
        allowDamaged: Bool? = nil
    ) {
        self.quality = quality
        self.targets = targets
        self.threshold = threshold
        self.keepMetadata = keepMetadata
        self.allowDamaged = allowDamaged
    }

    /// The names accepted under `"options"`; anything else is refused, so a typo is not ignored.
    public static let names: Set<String> = ["quality", "targets", "threshold", "keepMetadata", "allowDamaged"]

    /// Why the values cannot be used, or nil.
    public var problem: String? {
        if let quality, !(1...100).contains(quality) { return "\"quality\" must be between 1 and 100" }
        if let threshold, !(0...1).contains(threshold) { return "\"threshold\" must be between 0 and 1" }
        if let targets, targets.isEmpty { return "\"targets\" must name at least one class" }
        return nil
    }

    /// `settings` with these overrides applied.
    public func applied(to settings: AnonymizationSettings) -> AnonymizationSettings {
        var result = settings
        if let quality { result.quality = quality }
        if let targets { result.targets = Set(targets) }
        if let threshold { result.threshold = threshold }
        if let keepMetadata { result.keepsMetadata = keepMetadata }
        if let allowDamaged { result.acceptsDamagedImages = allowDamaged }
        return result
    }
}
