extension MaskStyle {
    /// The mask's technique as classified by ISO/IEC 20889:2018 (privacy enhancing data
    /// de-identification terminology and classification of techniques), for `--help` and every
    /// report, so a user can name the technique to a data-protection officer.
    ///
    /// ```swift
    /// MaskStyle.layered.technique  // "generalization with randomization (noise addition)"
    /// ```
    ///
    /// `blur` is a filter, not a technique the standard lists: it keeps every feature,
    /// low-passed, and can be partly reversed (see ``isDeidentificationTechnique``).
    public var technique: String {
        switch self {
        case .fill: "masking (suppression)"
        case .pixelate: "generalization"
        case .layered: "generalization with randomization (noise addition)"
        case .surrogate: "synthetic data over a layered mask (generalization with randomization)"
        case .blur: "not a de-identification technique on its own"
        }
    }

    /// Whether the mask is one of ISO/IEC 20889's de-identification techniques (every style but
    /// `blur`).
    public var isDeidentificationTechnique: Bool { self != .blur }
}
