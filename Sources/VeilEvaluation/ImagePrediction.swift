public import VeilGeometry

/// What a detector and mask planner produced for one image of a dataset.
public struct ImagePrediction: Hashable, Sendable, Codable {
    /// The image's path exactly as the dataset names it (``AnnotatedImage/image``).
    public var image: String
    /// Every detection with its score; do not pre-filter by score, average precision needs the
    /// low-scoring ones too.
    public var detections: [Detection]
    /// The regions that were masked in this image, or nil when masks were not planned. Coverage
    /// recall is reported when at least one prediction supplies regions; an image without them
    /// then counts as masking nothing.
    public var maskRegions: [MaskRegion]?
    /// Seconds spent on this image (detection and masking), or nil when not timed.
    public var elapsedSeconds: Double?

    /// What ran on one image.
    public init(image: String, detections: [Detection], maskRegions: [MaskRegion]? = nil, elapsedSeconds: Double? = nil)
    {
        self.image = image
        self.detections = detections
        self.maskRegions = maskRegions
        self.elapsedSeconds = elapsedSeconds
    }
}
