/// How the re-identification audit judges a face, with the trade-off each value makes.
public struct AuditConfiguration: Sendable, Hashable {
    /// Descriptor distance below which two faces count as the same person. 0.6 is dlib's
    /// published threshold (99.38 % on LFW); lowering it reports fewer re-identifications and
    /// misses weaker matches an adversary could still rank first among a few candidates.
    public var matchThreshold: Double
    /// Restorations tried on each anonymized face; the face counts as re-identified when any
    /// of them (or no attack) brings it under ``matchThreshold``. More attacks cost one
    /// descriptor (~10 ms) each per face.
    public var attacks: [ImageAttack]
    /// Which landmarks align the anonymized face before its descriptor is computed.
    public var alignment: Alignment
    /// The attacked crop around each face, as a fraction of the face box added on every side.
    /// Must hold dlib's whole aligned chip (padding 0.25 around the landmarks, about 1.5 × a
    /// detector's face box) plus the attacks' kernel support; 1 gives a crop 3 × the box.
    public var contextMarginFraction: Double
    /// A face pixel counts as changed when any channel moved by more than this (0…255).
    /// Above JPEG re-encoding error at quality ≥ 85 (a few levels); far below any mask.
    public var changeTolerance: Int
    /// A face found in the anonymized image counts as the same face when its box overlaps the
    /// original one by at least this IoU. 0.3 tolerates the loose boxes of a masked face.
    public var residualDetectionIoU: Double
    /// Minimum score of a residual detection; the detector's own floor is used below this.
    public var residualDetectionScore: Double
    /// Faces whose shorter side (pixels, in the original) is below this are reported as too
    /// small to judge instead of being compared. dlib's descriptor works on a 150 px chip
    /// upscaled from the face; below about 40 px the chip is mostly interpolation and distances
    /// stop separating people (Veil's own `fill` output read as 10 % "re-identified", all of it
    /// faces under 17 px, one fully replaced). Lowering this audits smaller faces with
    /// unreliable verdicts; raising it leaves more faces unjudged.
    public var minimumFaceSide: Double

    /// Where the landmarks that align the anonymized face come from.
    public enum Alignment: String, Sendable, Hashable, Codable, CaseIterable {
        /// The original face's landmarks: the adversary knows where the eyes were (from the
        /// mask's position, or an unmasked neighbouring frame). Worst case; the default.
        case original
        /// The shape predictor run on the (attacked) anonymized face: what a naive adversary gets.
        case anonymized
        /// Both, keeping the smaller distance (twice the descriptors).
        case worstOfBoth
    }

    /// A configuration; the defaults are the audit's documented ones.
    public init(
        matchThreshold: Double = 0.6,
        attacks: [ImageAttack] = ImageAttack.standardSet,
        alignment: Alignment = .original,
        contextMarginFraction: Double = 1,
        changeTolerance: Int = 16,
        residualDetectionIoU: Double = 0.3,
        residualDetectionScore: Double = 0.5,
        minimumFaceSide: Double = 40
    ) {
        self.matchThreshold = matchThreshold
        self.attacks = attacks
        self.alignment = alignment
        self.contextMarginFraction = contextMarginFraction
        self.changeTolerance = changeTolerance
        self.residualDetectionIoU = residualDetectionIoU
        self.residualDetectionScore = residualDetectionScore
        self.minimumFaceSide = minimumFaceSide
    }

    /// Rejects values that make the audit meaningless.
    public func validate() throws(AuditError) {
        guard matchThreshold > 0 else {
            throw .invalidConfiguration("matchThreshold must be > 0, got \(matchThreshold)")
        }
        guard contextMarginFraction >= 0.5 else {
            throw .invalidConfiguration(
                "contextMarginFraction must be ≥ 0.5 to hold the aligned chip, got \(contextMarginFraction)")
        }
        guard (0...255).contains(changeTolerance) else {
            throw .invalidConfiguration("changeTolerance must be 0…255, got \(changeTolerance)")
        }
        guard minimumFaceSide >= 0 else {
            throw .invalidConfiguration("minimumFaceSide must be ≥ 0, got \(minimumFaceSide)")
        }
        guard (0...1).contains(residualDetectionIoU) else {
            throw .invalidConfiguration("residualDetectionIoU must be 0…1, got \(residualDetectionIoU)")
        }
    }
}
