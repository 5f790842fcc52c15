/// Why a planned mask box is where it is.
public enum BoxSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// A detector found the object in this frame.
    case detected
    /// The track was lost in this frame: the box follows its Kalman prediction, grown with
    /// every lost frame because the prediction grows less certain.
    case predicted
    /// The detector missed the object in this frame, and later frames showed where it was:
    /// interpolated between two detections of the track, or filled backwards from the first
    /// detection of a track confirmed later.
    case filled
}
