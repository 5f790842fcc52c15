public import VeilGeometry

/// One annotated object of one image: the box a detector is expected to find.
public struct GroundTruthObject: Hashable, Sendable, Codable {
    /// What it is.
    public var objectClass: ObjectClass
    /// Where, in image pixels.
    public var box: Box
    /// Why the object is left out of scoring, or nil when it is scored.
    ///
    /// A detection that lands on an ignored object counts neither as a true nor as a false
    /// positive, and an ignored object that nothing finds is not a miss.
    public var ignoreReason: IgnoreReason?
    /// The object's outline when the annotation gives one: a plate's four corners, clockwise
    /// from the top-left (CCPD); nil otherwise. Scoring uses ``box``.
    public var corners: [Point]?

    /// An annotated object.
    public init(objectClass: ObjectClass, box: Box, ignoreReason: IgnoreReason? = nil, corners: [Point]? = nil) {
        self.objectClass = objectClass
        self.box = box
        self.ignoreReason = ignoreReason
        self.corners = corners
    }

    /// Whether the object is left out of scoring.
    public var isIgnored: Bool { ignoreReason != nil }
}

/// Why a ground-truth object is not scored.
public enum IgnoreReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// Listed under "ignore" in a Veil annotation file.
    case annotated
    /// A COCO annotation with `iscrowd` (or `ignore`) set: a region holding many objects.
    case crowd
    /// A WIDER FACE box flagged `invalid`.
    case invalid
    /// A box with zero width or height: no detection can overlap it.
    case degenerate
    /// Shorter side below the evaluation's minimum object size.
    case belowMinimumSize
}
