public import VeilGeometry
public import VeilMedia

/// Finds objects in one image.
///
/// Implementations are immutable after creation and safe to call from several threads.
public protocol ObjectDetector: Sendable {
    /// A short name for reports ("yunet", "centerface", "ensemble(yunet+centerface)").
    var name: String { get }
    /// Models used, with their SHA-256, for reports.
    var models: [ModelFingerprint] { get }
    /// Detections in image coordinates, every score ≥ the detector's own floor; callers apply
    /// their threshold.
    func detect(in image: Image) throws(DetectionError) -> [Detection]
    /// The longest image side this detector looks at: it shrinks anything larger to this
    /// first, so a caller may hand it a copy shrunk to this size instead (video does, straight
    /// from the decoded picture). Nil when it looks at full resolution (tiles) or cannot say.
    var workingSide: Int? { get }
    /// The same detector looking at no more than `side` pixels on the longest side, sharing
    /// its models: a cheaper, coarser pass for frames between full ones. Nil when it has no
    /// such setting or already looks at no more than that.
    func coarsened(toSide side: Int) -> (any ObjectDetector)?
}

extension ObjectDetector {
    /// Default: nil (full resolution).
    public var workingSide: Int? { nil }
    /// Default: nil (no coarser copy).
    public func coarsened(toSide side: Int) -> (any ObjectDetector)? { nil }
}

/// A model file's identity, for reports: name and SHA-256.
public struct ModelFingerprint: Sendable, Hashable, Codable {
    /// The model file's name.
    public var name: String
    /// Its SHA-256.
    public var sha256: String

    /// A fingerprint.
    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}
