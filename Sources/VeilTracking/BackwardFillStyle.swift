/// How a track confirmed late covers the frames before its first detection.
public enum BackwardFillStyle: String, Hashable, Sendable, Codable, CaseIterable {
    /// Repeat the first detected box. Right for an object that was there all along but not
    /// detected (turned away, blurred); wrong for one that was moving in.
    case hold
    /// Cover both the first detected box and the box extrapolated backwards along the track's
    /// motion (first detection to latest detection in the window): also covers an object that
    /// walked in while the detector missed it, at the cost of larger boxes.
    case holdAndExtrapolate
}
