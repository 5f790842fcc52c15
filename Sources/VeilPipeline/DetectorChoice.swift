public import VeilDetection
public import VeilGeometry

/// Which face detector runs. The default was chosen by measurement on faces-masks-dev and
/// faces-dlib (docs/EVALUATION.md): recall first, then speed.
public enum DetectorChoice: String, Sendable, CaseIterable, Codable {
    /// CenterFace and YuNet together, detections merged: the highest coverage.
    case ensemble
    /// CenterFace alone: any input size, strong on small faces.
    case centerface
    /// YuNet alone: fastest, weaker on small and masked faces.
    case yunet

    /// Builds the detector for the given targets.
    ///
    /// - Parameters:
    ///   - threshold: detections below this score are dropped before merging.
    public func makeDetector(
        threshold: Double,
        store: ModelStore = ModelStore(),
        options: InferenceOptions = InferenceOptions()
    ) throws(DetectionError) -> any ObjectDetector {
        var members: [any ObjectDetector] = []
        if self != .yunet {
            members.append(
                ScaledDetector(network: try CenterFaceDetector(store: store, options: options, scoreFloor: threshold))
            )
        }
        if self != .centerface {
            members.append(
                ScaledDetector(network: try YuNetDetector(store: store, options: options, scoreFloor: threshold)))
        }
        return EnsembleDetector(members: members, minimumScore: threshold)
    }
}
