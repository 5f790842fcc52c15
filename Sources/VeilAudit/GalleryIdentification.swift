/// One judged face as the identification attack sees it: its original's descriptor (its
/// gallery entry) and the anonymized face's descriptor under each attempt (no attack first).
///
/// Holds descriptors, so it lives in memory only and is never encoded.
public struct GalleryProbe: Sendable, Hashable {
    /// One anonymized descriptor and the attack that produced it.
    public struct Attempt: Sendable, Hashable {
        /// ``ImageAttack/description``, or "none".
        public var attack: String
        /// The (attacked) anonymized face's descriptor.
        public var descriptor: FaceDescriptor

        /// An attempt.
        public init(attack: String, descriptor: FaceDescriptor) {
            self.attack = attack
            self.descriptor = descriptor
        }
    }

    /// The pair the face came from (``ImageAudit/path``).
    public var path: String
    /// The face's index in ``ImageAudit/faces``.
    public var faceIndex: Int
    /// The original face's descriptor.
    public var reference: FaceDescriptor
    /// The anonymized face's descriptor per attempt, in ``AuditReport/attacks`` order.
    public var attempts: [Attempt]

    /// A probe.
    public init(path: String, faceIndex: Int, reference: FaceDescriptor, attempts: [Attempt]) {
        self.path = path
        self.faceIndex = faceIndex
        self.reference = reference
        self.attempts = attempts
    }
}

/// How one attack fares at identification: rank-1 and rank-5 rates beside chance.
public struct IdentificationSummary: Sendable, Hashable, Codable {
    /// The attack's name ("none" for no attack; "any attack" for the union over attempts).
    public var attack: String
    /// Probes whose own identity came first in the gallery.
    public var rank1Count: Int
    /// Probes whose own identity was among the five nearest gallery entries.
    public var rank5Count: Int
    /// rank1Count ÷ probes (0 without probes).
    public var rank1Rate: Double
    /// rank5Count ÷ probes (0 without probes).
    public var rank5Rate: Double
}

/// A judged face's best rank over attempts: 1 means its own identity came first.
public struct ProbeRank: Sendable, Hashable, Codable {
    /// ``ImageAudit/path`` of the face's pair.
    public var path: String
    /// The face's index in ``ImageAudit/faces``.
    public var faceIndex: Int
    /// 1 + the number of other identities' entries nearer than the nearest of its own.
    public var rank: Int
}

/// One point of the reference-photo verification ROC: at a distance threshold, the share of
/// masked faces matched to their own original (true matches) and the share of pairs of a masked
/// face and someone else's original matched (false matches).
public struct ROCPoint: Sendable, Hashable, Codable {
    /// Descriptor distance under which a pair counts as a match.
    public var threshold: Double
    /// Probes whose best attempt is under the threshold from their own original.
    public var trueMatchRate: Double
    /// (Probe, other identity) pairs whose best attempt is under the threshold.
    public var falseMatchRate: Double
}

/// Identification of anonymized faces against a gallery, the way re-identification works:
/// each masked face is compared with the originals of every judged face of the audit (its own
/// among the others) plus distractor faces, and counts as identified only when its own identity
/// ranks first. A mask that leaves nothing scores at chance (1 ÷ gallery size); a fixed distance
/// threshold cannot tell that apart from a real match on small, upsampled faces, whose
/// descriptors are close to almost anything.
///
/// Identities: faces are not labelled, so two gallery entries are the same person when their
/// originals are closer than ``sameIdentityThreshold`` (dlib's own verdict on the originals: the
/// three photos of one person in the portraits count as one identity). A masked face ranked
/// first against another photo of the same person is identified, as it would be in practice.
///
/// Pure Swift on descriptors, so it is tested with synthetic ones.
///
/// ```swift
/// let result = GalleryIdentification(probes: probes, distractors: others)
/// print(result.bestSingleAttack.rank1Rate, result.chanceRank1Rate)
/// ```
/// - Complexity: O(p × a × g) distances for p probes, a attempts each and g gallery entries.
public struct GalleryIdentification: Sendable, Hashable, Codable {
    /// The distance under which two originals are the same person.
    public var sameIdentityThreshold: Double
    /// Gallery entries: the judged faces' originals plus the distractors.
    public var gallerySize: Int
    /// Distractor faces (not in the audited set) in the gallery.
    public var distractorCount: Int
    /// Masked faces identified (the judged faces).
    public var probeCount: Int
    /// Expected rank-1 rate of an adversary guessing at random (mean over probes of the chance
    /// that a random ordering puts one of the probe's own identity's entries first).
    public var chanceRank1Rate: Double
    /// The same for rank 5.
    public var chanceRank5Rate: Double
    /// One entry per attempt ("none" first), in the order the probes hold them.
    public var attacks: [IdentificationSummary]
    /// The attack with the highest rank-1 rate (ties: rank-5, then order): what an adversary
    /// who picks one method for the whole set gets. Compare this with chance.
    public var bestSingleAttack: IdentificationSummary
    /// A probe counts when any attempt ranks it first: an upper bound that also grows with the
    /// number of attempts (chance over a attempts is up to a × ``chanceRank1Rate``).
    public var anyAttack: IdentificationSummary
    /// Best rank over attempts per probe, in probe order (1 = identified).
    public var ranks: [ProbeRank]
    /// Reference-photo verification at thresholds 0.30, 0.35 … 0.90 (best attempt per pair).
    public var roc: [ROCPoint]
    /// max over thresholds of true − false match rate (Youden's J): 0 when the masked faces
    /// carry no identity, 1 when a threshold separates them perfectly; nil when the gallery has
    /// no other identity to falsely match (one person on every sampled frame of a video: add
    /// `--gallery` photos of other people).
    public var verificationAdvantage: Double?

    /// Histogram of the best-attempt distances, 0.05 wide from 0 (the last bin holds everything
    /// from 1.45 on): masked face ↔ own identity (genuine) and ↔ every other identity (impostor).
    public var distanceBins: [DistanceBin]

    /// One bin of ``distanceBins``.
    public struct DistanceBin: Sendable, Hashable, Codable {
        /// The bin's lower edge.
        public var lowerDistance: Double
        /// Probes whose best distance to their own original falls in the bin.
        public var genuineCount: Int
        /// (Probe, other identity) pairs whose best distance falls in the bin.
        public var impostorCount: Int
    }

    /// The width of a ``DistanceBin``.
    public static let binWidth = 0.05
    /// The number of ``DistanceBin``s.
    public static let binCount = 30

    /// The thresholds the ROC is measured at.
    public static let rocThresholds: [Double] = stride(from: 0.30, through: 0.9001, by: 0.05).map { $0 }

    /// Ranks every probe's attempts against the gallery.
    ///
    /// - Parameters:
    ///   - probes: the judged faces, each with its original and its anonymized attempts (all
    ///     with the same attacks in the same order).
    ///   - distractors: descriptors of faces of other people (originals), added to the gallery.
    ///   - sameIdentityThreshold: originals closer than this are one identity (dlib: 0.6).
    public init(probes: [GalleryProbe], distractors: [FaceDescriptor] = [], sameIdentityThreshold: Double = 0.6) {
        self.sameIdentityThreshold = sameIdentityThreshold
        let gallery = probes.map(\.reference) + distractors
        gallerySize = gallery.count
        distractorCount = distractors.count
        probeCount = probes.count
        let attackNames = probes.first?.attempts.map(\.attack) ?? []

        var ranks: [[Int]] = []  // per probe, per attempt
        var chance1 = 0.0
        var chance5 = 0.0
        var genuine: [Double] = []  // per probe: best attempt's distance to its own identity
        var impostor: [Double] = []  // per (probe, other-identity entry): best attempt's distance
        for (index, probe) in probes.enumerated() {
            let isSame = gallery.enumerated().map { entry, descriptor in
                entry == index || probe.reference.distance(to: descriptor) < sameIdentityThreshold
            }
            let sameCount = isSame.count { $0 }
            chance1 += Self.chanceOfRank(within: 1, matching: sameCount, of: gallery.count)
            chance5 += Self.chanceOfRank(within: 5, matching: sameCount, of: gallery.count)
            var probeRanks: [Int] = []
            var bestPerEntry = [Double](repeating: .infinity, count: gallery.count)
            for attempt in probe.attempts {
                let distances = gallery.map { attempt.descriptor.distance(to: $0) }
                for entry in distances.indices { bestPerEntry[entry] = min(bestPerEntry[entry], distances[entry]) }
                let nearestSame = distances.indices.filter { isSame[$0] }.map { distances[$0] }.min() ?? .infinity
                probeRanks.append(1 + distances.indices.count { !isSame[$0] && distances[$0] < nearestSame })
            }
            ranks.append(probeRanks)
            genuine.append(bestPerEntry[index])
            impostor += bestPerEntry.indices.filter { !isSame[$0] }.map { bestPerEntry[$0] }
        }
        let count = Double(max(1, probes.count))
        chanceRank1Rate = chance1 / count
        chanceRank5Rate = chance5 / count

        func summary(_ name: String, _ rank: (Int) -> Int) -> IdentificationSummary {
            let rank1 = probes.indices.count { rank($0) == 1 }
            let rank5 = probes.indices.count { rank($0) <= 5 }
            return IdentificationSummary(
                attack: name, rank1Count: rank1, rank5Count: rank5,
                rank1Rate: Double(rank1) / count, rank5Rate: Double(rank5) / count)
        }
        attacks = attackNames.enumerated().map { attempt, name in summary(name) { ranks[$0][attempt] } }
        let best = ranks.map { $0.min() ?? Int.max }
        self.ranks = zip(probes, best).map { ProbeRank(path: $0.path, faceIndex: $0.faceIndex, rank: $1) }
        anyAttack = summary("any attack") { best[$0] }
        bestSingleAttack =
            attacks.enumerated().max { lhs, rhs in
                (lhs.element.rank1Count, lhs.element.rank5Count, -lhs.offset)
                    < (rhs.element.rank1Count, rhs.element.rank5Count, -rhs.offset)
            }?.element
            ?? IdentificationSummary(attack: "none", rank1Count: 0, rank5Count: 0, rank1Rate: 0, rank5Rate: 0)

        roc = Self.rocThresholds.map { threshold in
            ROCPoint(
                threshold: threshold,
                trueMatchRate: genuine.isEmpty ? 0 : Double(genuine.count { $0 < threshold }) / Double(genuine.count),
                falseMatchRate: impostor.isEmpty
                    ? 0 : Double(impostor.count { $0 < threshold }) / Double(impostor.count)
            )
        }
        verificationAdvantage =
            impostor.isEmpty || genuine.isEmpty
            ? nil : max(0, roc.map { $0.trueMatchRate - $0.falseMatchRate }.max() ?? 0)
        func bin(_ distance: Double) -> Int { min(Self.binCount - 1, max(0, Int(distance / Self.binWidth))) }
        var bins = (0..<Self.binCount).map {
            DistanceBin(lowerDistance: Double($0) * Self.binWidth, genuineCount: 0, impostorCount: 0)
        }
        for distance in genuine where distance.isFinite { bins[bin(distance)].genuineCount += 1 }
        for distance in impostor where distance.isFinite { bins[bin(distance)].impostorCount += 1 }
        distanceBins = bins
    }

    /// The chance that a random ordering of `total` entries puts one of `matching` among the
    /// first `rank`: 1 − C(total − matching, rank) ÷ C(total, rank).
    public static func chanceOfRank(within rank: Int, matching: Int, of total: Int) -> Double {
        guard total > 0, matching > 0 else { return 0 }
        let rank = min(rank, total)
        var missAll = 1.0
        for step in 0..<rank {
            missAll *= Double(max(0, total - matching - step)) / Double(total - step)
        }
        return 1 - missAll
    }
}
