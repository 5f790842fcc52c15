internal import VeilMedia

/// The multi-frame averaging attack on a video's tracks (``ReidentificationAuditor/auditAveraged(_:)``):
/// per track, the distance of the averaged masked face to its original, and identification
/// of the averaged faces against a gallery (the tracks' originals plus distractors).
///
/// Attempts per track, in this order: one frame (the middle one, the baseline), the mean and
/// the median of the aligned frames, then each configured ``ImageAttack`` on the mean and on
/// the median ("mean + wiener σ2").
public struct FrameAveragingAudit: Sendable, Hashable, Codable {
    /// The name of the single-frame baseline attempt.
    public static let singleFrame = "one frame"

    /// One track's result.
    public struct TrackAveraging: Sendable, Hashable, Codable {
        /// The track's ID (as in the tracks file).
        public var id: Int
        /// Frames combined.
        public var frameCount: Int
        /// The first and last of them.
        public var firstFrame: Int
        /// The last frame combined.
        public var lastFrame: Int
        /// Median shorter side of the original face over those frames, pixels.
        public var faceSide: Double
        /// Under ``AuditConfiguration/minimumFaceSide``: not compared, never counted as
        /// re-identified.
        public var isTooSmallToJudge: Bool
        /// Distance to the original per attempt (empty when too small).
        public var distances: [AttackDistance]
        /// Whether some attempt came under the match threshold.
        public var isReidentified: Bool
        /// Best rank of the track's own identity in the gallery over attempts (1: identified);
        /// nil when too small or without identification.
        public var galleryRank: Int?

        /// The smallest distance over attempts (infinity when too small).
        public var minimumDistance: Double { distances.map(\.distance).min() ?? .infinity }
        /// The attempt that reached ``minimumDistance`` ("-" when too small).
        public var closestAttempt: String {
            distances.min { $0.distance < $1.distance }?.attack ?? "-"
        }
        /// The distance of the single-frame baseline.
        public var singleFrameDistance: Double? {
            distances.first { $0.attack == FrameAveragingAudit.singleFrame }?.distance
        }
        /// The smallest distance over the averaging attempts only (everything but one frame).
        public var averagedDistance: Double? {
            distances.filter { $0.attack != FrameAveragingAudit.singleFrame }.map(\.distance).min()
        }
    }

    /// Frames combined per track (at most).
    public var framesPerTrack: Int
    /// Every track, judged or too small.
    public var tracks: [TrackAveraging]
    /// Tracks compared.
    public var judgedTrackCount: Int
    /// Judged tracks with an attempt under the threshold.
    public var reidentifiedTrackCount: Int
    /// Judged tracks whose averaged face (any averaging attempt, not the single frame) came
    /// under the threshold.
    public var reidentifiedByAveragingCount: Int
    /// Identification of the judged tracks' averaged faces against the gallery.
    public var identification: GalleryIdentification?

    /// The result of the given tracks.
    public init(framesPerTrack: Int, tracks: [TrackAveraging], identification: GalleryIdentification?) {
        var tracks = tracks
        if let identification {
            for rank in identification.ranks {
                guard let index = tracks.firstIndex(where: { String($0.id) == rank.path }) else { continue }
                tracks[index].galleryRank = rank.rank
            }
        }
        let judged = tracks.filter { !$0.isTooSmallToJudge }
        self.framesPerTrack = framesPerTrack
        self.tracks = tracks
        self.judgedTrackCount = judged.count
        self.reidentifiedTrackCount = judged.count { $0.isReidentified }
        self.reidentifiedByAveragingCount = judged.count { track in
            track.distances.contains { $0.attack != Self.singleFrame && $0.isReidentified }
        }
        self.identification = identification
    }
}

extension ReidentificationAuditor {
    /// The multi-frame averaging attack: per stack, the reference descriptor on the middle
    /// original crop (aligned by its own landmarks), then the masked face's descriptor on one
    /// frame, on the mean and the median of the stack, and after each configured attack on the
    /// mean and the median, all aligned with the reference's landmarks (the adversary knows
    /// where the eyes were: worst case, as in the image audit). Stacks whose median face side is
    /// under ``AuditConfiguration/minimumFaceSide`` are too small to judge. The judged tracks are
    /// then ranked against a gallery of their originals plus ``distractors``.
    ///
    /// - Throws: whatever dlib or an attack reports.
    /// - Complexity: 3 + 2 × attacks descriptors per stack, plus the stack's combination.
    public func auditAveraged(_ stacks: [FrameStack], framesPerTrack: Int) throws(AuditError) -> FrameAveragingAudit {
        var tracks: [FrameAveragingAudit.TrackAveraging] = []
        var probes: [GalleryProbe] = []
        for stack in stacks {
            guard let middle = stack.middleIndex else { continue }
            var track = FrameAveragingAudit.TrackAveraging(
                id: stack.trackID, frameCount: stack.count, firstFrame: stack.frames[0],
                lastFrame: stack.frames[stack.count - 1], faceSide: stack.medianFaceSide,
                isTooSmallToJudge: stack.medianFaceSide < configuration.minimumFaceSide, distances: [],
                isReidentified: false)
            guard !track.isTooSmallToJudge, let mean = stack.combined(.mean), let median = stack.combined(.median)
            else {
                tracks.append(track)
                continue
            }
            let box = stack.canonicalBoxes[middle]
            let landmarks = try recognizer.landmarks(in: stack.originalCrops[middle], face: box)
            let reference = try recognizer.descriptor(in: stack.originalCrops[middle], face: box, landmarks: landmarks)
            var candidates: [(String, Image)] = [
                (FrameAveragingAudit.singleFrame, stack.maskedCrops[middle]), ("mean", mean), ("median", median),
            ]
            for (name, combined) in [("mean", mean), ("median", median)] {
                for attack in configuration.attacks {
                    var attacked = combined
                    try attack.apply(to: &attacked)
                    candidates.append(("\(name) + \(attack.description)", attacked))
                }
            }
            var attempts: [GalleryProbe.Attempt] = []
            for (name, image) in candidates {
                let descriptor = try recognizer.descriptor(in: image, face: box, landmarks: landmarks)
                let distance = descriptor.distance(to: reference)
                attempts.append(GalleryProbe.Attempt(attack: name, descriptor: descriptor))
                track.distances.append(
                    AttackDistance(
                        attack: name, distance: distance, isReidentified: distance < configuration.matchThreshold))
            }
            track.isReidentified = track.distances.contains { $0.isReidentified }
            probes.append(
                GalleryProbe(path: String(stack.trackID), faceIndex: 0, reference: reference, attempts: attempts))
            tracks.append(track)
        }
        let identification =
            probes.isEmpty
            ? nil
            : GalleryIdentification(
                probes: probes, distractors: distractors, sameIdentityThreshold: configuration.matchThreshold)
        return FrameAveragingAudit(framesPerTrack: framesPerTrack, tracks: tracks, identification: identification)
    }
}
