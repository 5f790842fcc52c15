public import VeilDetection
public import VeilGeometry

/// One attack's descriptor distance for one face.
public struct AttackDistance: Sendable, Hashable, Codable {
    /// The name used for "no attack" in reports.
    public static let unattacked = "none"

    /// ``ImageAttack/description``, or "none".
    public var attack: String
    /// Distance between the original face and the (attacked) anonymized face.
    public var distance: Double
    /// `distance` is under the match threshold.
    public var isReidentified: Bool

    /// One attack's result.
    public init(attack: String, distance: Double, isReidentified: Bool) {
        self.attack = attack
        self.distance = distance
        self.isReidentified = isReidentified
    }
}

/// Whether a detector still finds the face after anonymization.
public struct ResidualDetection: Sendable, Hashable, Codable {
    /// The detector's `ObjectDetector.name`.
    public var detector: String
    /// A face overlapping the original box (IoU ≥ the configured minimum) was found.
    public var isDetected: Bool
    /// Best IoU of any face found with the original box (0 when none overlaps).
    public var bestIoU: Double
    /// Score of that best-overlapping face, when there is one.
    public var score: Double?
    /// When the face is still detected and both detections have five landmarks: their mean
    /// displacement ÷ the original's eye distance. What `surrogate` keeps for analytics (head
    /// pose, gaze): small is kept, above ~0.3 the points have moved off their features.
    public var landmarkError: Double?

    /// A residual detection result.
    public init(detector: String, isDetected: Bool, bestIoU: Double, score: Double?) {
        self.detector = detector
        self.isDetected = isDetected
        self.bestIoU = bestIoU
        self.score = score
    }
}

/// The audit of one face. Holds no pixels and no descriptors.
public struct FaceAudit: Sendable, Hashable, Codable {
    /// The face's box in the original image.
    public var box: Box
    /// Fraction of the box's pixels that anonymization changed by more than the tolerance.
    /// A coverage proxy that needs no knowledge of the masks: ~1 for a fill, ~0 for a missed
    /// face, but low for a weak blur (0.06–0.12 at σ 2) and below 1 for masks that keep local
    /// means (0.8–0.9 for an 8 × 8 layered mask), since those leave many pixels close.
    public var changedFraction: Double
    /// Fraction of the box inside the caller's mask regions, when they were given: the exact
    /// coverage ``changedFraction`` approximates.
    public var maskCoverage: Double?
    /// No attack first, then each configured attack, in order.
    public var distances: [AttackDistance]
    /// The smallest distance over ``distances``: the adversary's best attempt; infinity for a
    /// face too small to judge (written as `null` in JSON, which has no infinity).
    public var minimumDistance: Double
    /// The attack that achieved ``minimumDistance``.
    public var closestAttack: String
    /// ``minimumDistance`` is below the match threshold.
    public var isReidentified: Bool
    /// nil when no detector was given.
    public var residualDetection: ResidualDetection?
    /// Best rank of the face's own identity in the identification gallery over all attempts
    /// (1 = identified, see ``GalleryIdentification``); nil for faces too small to judge or
    /// reports made without identification.
    public var galleryRank: Int?
    /// The face is smaller than ``AuditConfiguration/minimumFaceSide``: no descriptor was
    /// compared (``distances`` is empty), it is neither re-identified nor cleared, and it is
    /// left out of every rate.
    public var isTooSmallToJudge: Bool

    /// A face's audit; ``minimumDistance`` and ``closestAttack`` are derived from `distances`.
    public init(
        box: Box,
        changedFraction: Double,
        maskCoverage: Double? = nil,
        distances: [AttackDistance],
        isReidentified: Bool,
        residualDetection: ResidualDetection?,
        isTooSmallToJudge: Bool = false
    ) {
        self.isTooSmallToJudge = isTooSmallToJudge
        self.box = box
        self.changedFraction = changedFraction
        self.maskCoverage = maskCoverage
        self.distances = distances
        let closest = distances.min { $0.distance < $1.distance }
        self.minimumDistance = closest?.distance ?? .infinity
        self.closestAttack = closest?.attack ?? AttackDistance.unattacked
        self.isReidentified = isReidentified
        self.residualDetection = residualDetection
    }

    /// The distance under one attack ("none" for no attack).
    public func distance(under attack: String) -> Double? {
        distances.first { $0.attack == attack }?.distance
    }

    private enum CodingKeys: String, CodingKey {
        case box, changedFraction, maskCoverage, distances, minimumDistance, closestAttack, isReidentified
        case residualDetection, galleryRank, isTooSmallToJudge
    }

    /// Decodes a face; a missing or null `minimumDistance` is infinity (no distance measured).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        box = try container.decode(Box.self, forKey: .box)
        changedFraction = try container.decode(Double.self, forKey: .changedFraction)
        maskCoverage = try container.decodeIfPresent(Double.self, forKey: .maskCoverage)
        distances = try container.decode([AttackDistance].self, forKey: .distances)
        minimumDistance = try container.decodeIfPresent(Double.self, forKey: .minimumDistance) ?? .infinity
        closestAttack = try container.decode(String.self, forKey: .closestAttack)
        isReidentified = try container.decode(Bool.self, forKey: .isReidentified)
        residualDetection = try container.decodeIfPresent(ResidualDetection.self, forKey: .residualDetection)
        galleryRank = try container.decodeIfPresent(Int.self, forKey: .galleryRank)
        isTooSmallToJudge = try container.decode(Bool.self, forKey: .isTooSmallToJudge)
    }

    /// Encodes the face; an infinite `minimumDistance` (too small to judge) becomes `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(box, forKey: .box)
        try container.encode(changedFraction, forKey: .changedFraction)
        try container.encodeIfPresent(maskCoverage, forKey: .maskCoverage)
        try container.encode(distances, forKey: .distances)
        if minimumDistance.isFinite {
            try container.encode(minimumDistance, forKey: .minimumDistance)
        } else {
            try container.encodeNil(forKey: .minimumDistance)
        }
        try container.encode(closestAttack, forKey: .closestAttack)
        try container.encode(isReidentified, forKey: .isReidentified)
        try container.encodeIfPresent(residualDetection, forKey: .residualDetection)
        try container.encodeIfPresent(galleryRank, forKey: .galleryRank)
        try container.encode(isTooSmallToJudge, forKey: .isTooSmallToJudge)
    }
}

/// Time spent, for reports. Never includes image content.
public struct AuditTiming: Sendable, Hashable, Codable {
    /// Descriptors computed.
    public var descriptorCount: Int
    /// Seconds spent computing them.
    public var descriptorSeconds: Double
    /// Seconds spent in attacks.
    public var attackSeconds: Double

    /// Timing totals.
    public init(descriptorCount: Int = 0, descriptorSeconds: Double = 0, attackSeconds: Double = 0) {
        self.descriptorCount = descriptorCount
        self.descriptorSeconds = descriptorSeconds
        self.attackSeconds = attackSeconds
    }

    /// Mean milliseconds per descriptor (landmarks + chip + network), 0 when none ran.
    public var millisecondsPerDescriptor: Double {
        descriptorCount > 0 ? 1000 * descriptorSeconds / Double(descriptorCount) : 0
    }

    static func + (lhs: AuditTiming, rhs: AuditTiming) -> AuditTiming {
        AuditTiming(
            descriptorCount: lhs.descriptorCount + rhs.descriptorCount,
            descriptorSeconds: lhs.descriptorSeconds + rhs.descriptorSeconds,
            attackSeconds: lhs.attackSeconds + rhs.attackSeconds
        )
    }
}

/// What one anonymized image is still good for.
public struct ImageUtility: Sendable, Hashable, Codable {
    /// Faces found in the original (judged or not).
    public var originalFaceCount: Int
    /// Faces the residual detector finds anywhere in the anonymized image (score ≥ the
    /// configured minimum); nil without a detector. For `surrogate` the synthetic faces are
    /// found, so face counting keeps working; other masks hide the face from the detector.
    public var anonymizedFaceCount: Int?
    /// Fraction of the image's pixels left within the change tolerance: what anonymization
    /// left for any other use.
    public var untouchedFraction: Double

    /// Utility figures of one pair.
    public init(originalFaceCount: Int, anonymizedFaceCount: Int?, untouchedFraction: Double) {
        self.originalFaceCount = originalFaceCount
        self.anonymizedFaceCount = anonymizedFaceCount
        self.untouchedFraction = untouchedFraction
    }
}

/// Utility over all pairs (``AuditReport/utility``).
public struct UtilitySummary: Sendable, Hashable, Codable {
    /// Faces found in the originals.
    public var originalFaceCount: Int
    /// Faces found in the anonymized images; nil without a detector.
    public var anonymizedFaceCount: Int?
    /// Mean over pairs of ``ImageUtility/untouchedFraction`` (1 without pairs).
    public var meanUntouchedFraction: Double
    /// Mean ``ResidualDetection/landmarkError`` over faces still detected with landmarks; nil
    /// when none was.
    public var meanLandmarkError: Double?
    /// Faces the landmark error was measured on.
    public var landmarkFaceCount: Int
    /// Mask steadiness over a video's tracks, when a tracks file was given.
    public var temporalStability: TemporalStability?
    /// Faces of the original still countable after anonymization as a masked region: at least
    /// ``maskedRegionChangedFraction`` of the face's pixels changed (the mask is there, where the
    /// face was), so people can still be counted by counting masks. nil in older reports.
    public var maskedRegionCount: Int?

    /// A face counts as a masked region when at least this fraction of its pixels changed.
    public static let maskedRegionChangedFraction = 0.5

    init(files: [ImageAudit], temporalStability: TemporalStability?) {
        let utilities = files.compactMap(\.utility)
        originalFaceCount = files.map(\.faces.count).reduce(0, +)
        let anonymized = utilities.compactMap(\.anonymizedFaceCount)
        anonymizedFaceCount = anonymized.isEmpty ? nil : anonymized.reduce(0, +)
        meanUntouchedFraction =
            utilities.isEmpty ? 1 : utilities.map(\.untouchedFraction).reduce(0, +) / Double(utilities.count)
        let errors = files.flatMap(\.faces).compactMap { $0.residualDetection?.landmarkError }
        meanLandmarkError = errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
        landmarkFaceCount = errors.count
        self.temporalStability = temporalStability
        maskedRegionCount = files.flatMap(\.faces).count { $0.changedFraction >= Self.maskedRegionChangedFraction }
    }
}

/// The audit of one original/anonymized image pair.
public struct ImageAudit: Sendable, Hashable, Codable {
    /// The pair's relative path (empty for images audited from memory).
    public var path: String
    /// Every face found in the original.
    public var faces: [FaceAudit]
    /// Time spent on this pair.
    public var timing: AuditTiming
    /// What the anonymized image is still good for; nil for audits made without it.
    public var utility: ImageUtility?

    /// Re-identified faces ÷ faces judged (worst case over attacks); nil when the image has no
    /// face large enough to judge.
    public var reidentificationRate: Double?

    /// The audit of one pair; the rate is computed from `faces`.
    public init(path: String, faces: [FaceAudit], timing: AuditTiming, utility: ImageUtility? = nil) {
        self.utility = utility
        self.path = path
        self.faces = faces
        self.timing = timing
        let judged = faces.filter { !$0.isTooSmallToJudge }
        self.reidentificationRate =
            judged.isEmpty ? nil : Double(judged.count { $0.isReidentified }) / Double(judged.count)
    }
}

/// How one attack fared over all faces.
public struct AttackSummary: Sendable, Hashable, Codable {
    /// The attack's name ("none" for no attack).
    public var attack: String
    /// Judged faces this attack brought under the threshold.
    public var reidentifiedFaceCount: Int
    /// 0…1; 0 when there are no faces.
    public var reidentificationRate: Double
    /// nil when there are no faces.
    public var minimumDistance: Double?
    /// The mean distance; nil when there are no judged faces.
    public var meanDistance: Double?
}

/// The whole audit: what `veil audit` writes as JSON.
///
/// `reidentificationRate` is the headline: the fraction of all faces that some attack (or none)
/// brought under the match threshold.
public struct AuditReport: Sendable, Hashable, Codable {
    /// 0…1, worst case over attacks, over the judged faces of all files (0 when none was
    /// judged): ``reidentifiedFaceCount`` ÷ ``judgedFaceCount``.
    public var reidentificationRate: Double
    /// Faces found in the originals, judged or not.
    public var faceCount: Int
    /// Faces at least ``minimumFaceSide`` pixels: the ones compared.
    public var judgedFaceCount: Int
    /// Faces smaller than ``minimumFaceSide``: reported, never counted as re-identified.
    public var tooSmallFaceCount: Int
    /// The smallest face side judged (pixels).
    public var minimumFaceSide: Double
    /// Judged faces some attack (or none) brought under the threshold.
    public var reidentifiedFaceCount: Int
    /// The threshold used.
    public var matchThreshold: Double
    /// How anonymized faces were aligned.
    public var alignment: AuditConfiguration.Alignment
    /// Faces still found by the residual detector, when one was given.
    public var residuallyDetectedFaceCount: Int?
    /// One entry for no attack, then one per configured attack.
    public var attacks: [AttackSummary]
    /// One entry per audited pair (per sampled frame for video).
    public var files: [ImageAudit]
    /// Files that could not be paired (see ``DirectoryPairing``); empty when auditing pairs.
    public var unpairedOriginals: [String]
    /// Anonymized files without an original.
    public var unpairedAnonymized: [String]
    /// The models' names and SHA-256 (``FaceRecognitionModels/fingerprints``), when given.
    public var models: [ModelFingerprint]
    /// Time spent over all pairs.
    public var timing: AuditTiming
    /// Identification against a gallery (rank-1/rank-5 beside chance, and the reference-photo
    /// ROC): the measure to read on small faces, where a fixed distance threshold means little.
    public var identification: GalleryIdentification?
    /// The mask the anonymized media was declared to be made with (`veil audit --mask`), and
    /// its ISO/IEC 20889:2018 technique; nil when not declared (any tool's output).
    public var mask: String?
    /// ``MaskStyle/technique`` of ``mask``.
    public var maskTechnique: String?
    /// What the anonymized media is still good for: face counts before and after, the
    /// untouched fraction of the image, landmark retention, and (with a tracks file) how steady
    /// the masks are over time.
    public var utility: UtilitySummary
    /// Videos with a tracks file: the multi-frame averaging attack per track (nil otherwise).
    public var frameAveraging: FrameAveragingAudit?

    /// The report of the given pairs.
    ///
    /// - Parameters:
    ///   - identification: the gallery ranking of the judged faces; each face's
    ///     ``FaceAudit/galleryRank`` is filled from it.
    ///   - mask: the declared mask style and its technique label.
    ///   - frameAveraging: the multi-frame averaging attack's result (videos with tracks).
    public init(
        files: [ImageAudit],
        configuration: AuditConfiguration,
        unpairedOriginals: [String] = [],
        unpairedAnonymized: [String] = [],
        models: [ModelFingerprint] = [],
        identification: GalleryIdentification? = nil,
        mask: (style: String, technique: String)? = nil,
        temporalStability: TemporalStability? = nil,
        frameAveraging: FrameAveragingAudit? = nil
    ) {
        var files = files
        if let identification {
            for rank in identification.ranks {
                guard let file = files.firstIndex(where: { $0.path == rank.path }),
                    files[file].faces.indices.contains(rank.faceIndex)
                else { continue }
                files[file].faces[rank.faceIndex].galleryRank = rank.rank
            }
        }
        self.identification = identification
        self.frameAveraging = frameAveraging
        self.mask = mask?.style
        self.maskTechnique = mask?.technique
        self.utility = UtilitySummary(files: files, temporalStability: temporalStability)
        let all = files.flatMap(\.faces)
        let faces = all.filter { !$0.isTooSmallToJudge }
        self.files = files
        self.faceCount = all.count
        self.judgedFaceCount = faces.count
        self.tooSmallFaceCount = all.count - faces.count
        self.minimumFaceSide = configuration.minimumFaceSide
        self.reidentifiedFaceCount = faces.count { $0.isReidentified }
        self.reidentificationRate = faces.isEmpty ? 0 : Double(reidentifiedFaceCount) / Double(faces.count)
        self.matchThreshold = configuration.matchThreshold
        self.alignment = configuration.alignment
        let withDetector = all.compactMap(\.residualDetection)
        self.residuallyDetectedFaceCount = withDetector.isEmpty ? nil : withDetector.count { $0.isDetected }
        let names = [AttackDistance.unattacked] + configuration.attacks.map(\.description)
        self.attacks = names.map { name in
            let distances = faces.compactMap { $0.distance(under: name) }
            let reidentified = faces.count { face in
                face.distances.contains { $0.attack == name && $0.isReidentified }
            }
            return AttackSummary(
                attack: name,
                reidentifiedFaceCount: reidentified,
                reidentificationRate: faces.isEmpty ? 0 : Double(reidentified) / Double(faces.count),
                minimumDistance: distances.min(),
                meanDistance: distances.isEmpty ? nil : distances.reduce(0, +) / Double(distances.count)
            )
        }
        self.unpairedOriginals = unpairedOriginals
        self.unpairedAnonymized = unpairedAnonymized
        self.models = models
        self.timing = files.map(\.timing).reduce(AuditTiming(), +)
    }
}
