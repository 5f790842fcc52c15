public import VeilGeometry
public import VeilMasking

/// Everything that decides what an output looks like, shared by images and video.
public struct AnonymizationSettings: Sendable, Hashable {
    /// Classes to mask.
    public var targets: Set<ObjectClass> = [.face, .plate]
    /// Minimum detector score, 0…1. Lower finds more faces and masks more false positives.
    public var threshold: Double = 0.2
    /// What masks look like.
    public var masker = Masker()
    /// Mask shapes and margins.
    public var planner = MaskPlanner()
    /// JPEG/WebP quality of still outputs, 1…100.
    public var quality: Int = 92
    /// Copy harmless metadata (never GPS, thumbnails, maker notes or serial numbers).
    public var keepsMetadata = false
    /// Regions masked by hand and exclusions (people who consented).
    public var userRegions = UserRegions()
    /// Tracks (IDs from a tracks file) never masked: people who consented. Manual regions are
    /// still masked.
    public var excludedTrackIDs: Set<Int> = []
    /// Process a damaged or truncated photo (what decodes of it) instead of refusing it. Off by
    /// default: a decoder fills what is missing with grey, and a face cut by the damage can stay
    /// partly visible. When on, ``ImageOutcome/damage`` says what was wrong.
    public var acceptsDamagedImages = false

    /// Veil's defaults (those of `veil anonymize`).
    public init() {}
}
