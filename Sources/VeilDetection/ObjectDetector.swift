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
}

/// A model file's identity, for reports: name and SHA-256.
public struct ModelFingerprint: Sendable, Hashable, Codable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}
