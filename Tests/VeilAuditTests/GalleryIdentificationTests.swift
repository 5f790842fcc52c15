import Testing
import VeilAudit
import VeilGeometry
import VeilTestSupport

/// Identification against a gallery on synthetic descriptors (no model): a mask that leaves the
/// identity is ranked first, one that leaves nothing scores at chance, whatever the distances.
@Suite struct GalleryIdentificationTests {
    /// Random descriptors whose pairwise distances are about 0.85, like different people's.
    static func people(_ count: Int, seed: UInt64) -> [FaceDescriptor] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            FaceDescriptor(
                values: (0..<FaceDescriptor.length).map { _ in Float.random(in: -0.092...0.092, using: &random) })
        }
    }

    /// `base` moved by a random offset of about `distance`.
    static func near(_ base: FaceDescriptor, distance: Double, seed: UInt64) -> FaceDescriptor {
        var random = SplitMix64(seed: seed)
        let step = Float(distance / Double(FaceDescriptor.length).squareRoot())
        return FaceDescriptor(values: base.values.map { $0 + (Bool.random(using: &random) ? step : -step) })
    }

    static func probe(_ index: Int, _ reference: FaceDescriptor, _ attempts: [FaceDescriptor]) -> GalleryProbe {
        GalleryProbe(
            path: "\(index).jpg", faceIndex: 0, reference: reference,
            attempts: attempts.enumerated().map {
                GalleryProbe.Attempt(attack: $0 == 0 ? "none" : "attack \($0)", descriptor: $1)
            })
    }

    @Test func aWeakMaskRanksEveryFaceFirst() {
        let originals = Self.people(12, seed: 1)
        let probes = originals.enumerated().map { index, reference in
            // A weak blur: the masked descriptor stays near the original, though at 0.5 (under
            // dlib's 0.6 but far from identical).
            Self.probe(index, reference, [Self.near(reference, distance: 0.5, seed: UInt64(100 + index))])
        }
        let result = GalleryIdentification(probes: probes)
        #expect(result.gallerySize == 12)
        #expect(result.bestSingleAttack.rank1Rate == 1)
        #expect(result.ranks.allSatisfy { $0.rank == 1 })
        #expect(abs(result.chanceRank1Rate - 1.0 / 12) < 1e-9)
        #expect((result.verificationAdvantage ?? 0) > 0.9, "a threshold separates own originals from others")
    }

    @Test func aMaskThatLeavesNothingScoresAtChance() {
        // A solid fill: every masked face has the same descriptor, close to everybody (the
        // failure of a fixed threshold) but nearer no one in particular.
        let originals = Self.people(60, seed: 2)
        let filled = Self.people(1, seed: 3)[0]
        let probes = originals.enumerated().map { Self.probe($0, $1, [filled, filled]) }
        let result = GalleryIdentification(probes: probes, distractors: Self.people(40, seed: 4))
        #expect(result.gallerySize == 100)
        // One descriptor for all: only the probe whose original is nearest it can rank first
        // (if no distractor is nearer still): at most 1 of 60, chance is 1 in 100.
        #expect(result.anyAttack.rank1Count <= 1)
        #expect(result.bestSingleAttack.rank1Rate <= 1.0 / 60)
        #expect(abs(result.chanceRank1Rate - 1.0 / 100) < 1e-9)
        #expect((result.verificationAdvantage ?? 1) < 0.2, "own and other originals are equally far")
    }

    @Test func distractorsNearerThanTheOwnOriginalPushTheRankDown() {
        let originals = Self.people(3, seed: 5)
        let masked = Self.near(originals[0], distance: 0.55, seed: 6)
        // Decoys beyond the masked face, on the side away from the original: nearer the masked
        // face than its own original, but too far from the original to be the same person.
        let decoys = [0.1, 0.2].map { step in
            FaceDescriptor(
                values: zip(masked.values, originals[0].values).map { $0 + Float(step / 0.55) * ($0 - $1) })
        }
        let probes = [Self.probe(0, originals[0], [masked])]
        #expect(GalleryIdentification(probes: probes).ranks.first?.rank == 1)
        let withDecoys = GalleryIdentification(probes: probes, distractors: decoys)
        #expect(withDecoys.ranks.first?.rank == 3)
        #expect(withDecoys.bestSingleAttack.rank1Count == 0)
        #expect(withDecoys.bestSingleAttack.rank5Count == 1)
    }

    @Test func anotherPhotoOfTheSamePersonCountsAsTheSameIdentity() {
        let originals = Self.people(4, seed: 9)
        // Probe 1 is a second photo of person 0 (originals 0.3 apart, as dlib sees one person).
        let secondPhoto = Self.near(originals[0], distance: 0.3, seed: 10)
        let masked = Self.near(originals[0], distance: 0.05, seed: 11)
        let probes = [
            Self.probe(0, originals[0], [originals[2]]), Self.probe(1, secondPhoto, [masked]),
            Self.probe(2, originals[2], [secondPhoto]),
        ]
        let result = GalleryIdentification(probes: probes)
        #expect(result.ranks.map(\.rank) == [2, 1, 3])
        // Probes 0 and 1 have two entries of their identity among three: chance 2/3 at rank 1.
        #expect(abs(result.chanceRank1Rate - (2.0 / 3 + 2.0 / 3 + 1.0 / 3) / 3) < 1e-9)
    }

    @Test func theBestSingleAttackAndTheUnionAreReportedApart() {
        let originals = Self.people(6, seed: 12)
        let other = Self.people(1, seed: 13)[0]
        let probes = originals.enumerated().map { index, reference in
            // Attack 1 restores faces 0 and 1, attack 2 face 2; no attack restores none.
            Self.probe(
                index, reference,
                [other, index < 2 ? reference : other, index == 2 ? reference : other])
        }
        // `other` itself is a distractor, so an attempt left at `other` never ranks first.
        let result = GalleryIdentification(probes: probes, distractors: [other])
        #expect(result.attacks.map(\.rank1Count) == [0, 2, 1])
        #expect(result.bestSingleAttack.attack == "attack 1")
        #expect(result.bestSingleAttack.rank1Rate == 2.0 / 6)
        #expect(result.anyAttack.rank1Count == 3)
    }

    @Test(arguments: [(1, 1, 10, 0.1), (5, 1, 10, 0.5), (1, 2, 10, 0.2), (2, 2, 4, 5.0 / 6), (5, 1, 3, 1.0)])
    func chanceOfARankIsHypergeometric(rank: Int, matching: Int, total: Int, expected: Double) {
        #expect(abs(GalleryIdentification.chanceOfRank(within: rank, matching: matching, of: total) - expected) < 1e-9)
    }

    @Test func oneIdentityAloneHasNoChanceToBeatAndNoFalseMatchToMake() {
        // One person on every sampled frame of a video: rank 1 is certain, verification moot.
        let person = Self.people(1, seed: 16)[0]
        let probes = (0..<5).map { index in
            Self.probe(index, Self.near(person, distance: 0.1, seed: UInt64(300 + index)), [person])
        }
        let result = GalleryIdentification(probes: probes)
        #expect(result.chanceRank1Rate == 1)
        #expect(result.verificationAdvantage == nil)
        let report = AuditReport(
            files: [], configuration: AuditConfiguration(attacks: []), identification: result)
        #expect(AuditTable.render(report).contains("add --gallery photos of other people"))
    }

    @Test func theROCRisesWithTheThreshold() {
        let originals = Self.people(8, seed: 14)
        let probes = originals.enumerated().map { index, reference in
            Self.probe(index, reference, [Self.near(reference, distance: 0.45, seed: UInt64(200 + index))])
        }
        let roc = GalleryIdentification(probes: probes).roc
        #expect(roc.first?.threshold == 0.3)
        #expect(roc.count == 13)
        #expect(zip(roc, roc.dropFirst()).allSatisfy { $0.trueMatchRate <= $1.trueMatchRate })
        #expect(roc.first { abs($0.threshold - 0.5) < 1e-9 }?.trueMatchRate == 1)
        #expect(roc.first { abs($0.threshold - 0.4) < 1e-9 }?.trueMatchRate == 0)
    }

    @Test func theReportCarriesEachJudgedFacesRank() {
        let originals = Self.people(2, seed: 15)
        let probes = [
            GalleryProbe(
                path: "a.jpg", faceIndex: 1, reference: originals[0],
                attempts: [GalleryProbe.Attempt(attack: "none", descriptor: originals[0])])
        ]
        let small = FaceAudit(
            box: Box(x: 0, y: 0, width: 10, height: 10), changedFraction: 1, distances: [], isReidentified: false,
            residualDetection: nil, isTooSmallToJudge: true)
        let judged = FaceAudit(
            box: Box(x: 50, y: 0, width: 80, height: 80), changedFraction: 1,
            distances: [AttackDistance(attack: "none", distance: 0, isReidentified: true)], isReidentified: true,
            residualDetection: nil)
        let report = AuditReport(
            files: [ImageAudit(path: "a.jpg", faces: [small, judged], timing: AuditTiming())],
            configuration: AuditConfiguration(attacks: []),
            identification: GalleryIdentification(probes: probes, distractors: [originals[1]]),
            mask: ("fill", "masking (suppression)"))
        #expect(report.files[0].faces.map(\.galleryRank) == [nil, 1])
        #expect(report.maskTechnique == "masking (suppression)")
        #expect(AuditTable.render(report).contains("rank-1 100.0 %"))
        #expect(AuditTable.render(report).contains("ISO/IEC 20889: masking (suppression)"))
    }
}
