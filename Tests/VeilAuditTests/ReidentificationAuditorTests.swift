import Foundation
import Testing
import VeilAudit
import VeilDetection
import VeilGeometry
import VeilMedia

@Suite("ReidentificationAuditor")
struct ReidentificationAuditorTests {
    @Test func anUnchangedImageIsReidentifiedAtDistanceZero() throws {
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: MaskMatrix.faceSize)
        let audit = try auditor.audit(
            original: image, anonymized: image, faces: [Detection(objectClass: .face, box: face, score: 1)])
        let result = try #require(audit.faces.first)
        #expect(result.distance(under: AttackDistance.unattacked)! < 1e-6)
        #expect(result.changedFraction == 0)
        #expect(result.isReidentified)
        #expect(result.residualDetection == nil)
        #expect(audit.reidentificationRate == 1)
    }

    @Test(arguments: AuditConfiguration.Alignment.allCases)
    func alignmentFromTheAnonymizedImageAlsoWorks(alignment: AuditConfiguration.Alignment) throws {
        let auditor = try ReidentificationAuditor(
            models: .locate(), configuration: AuditConfiguration(attacks: [], alignment: alignment))
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: MaskMatrix.faceSize)
        let audit = try auditor.audit(
            original: image, anonymized: image, faces: [Detection(objectClass: .face, box: face, score: 1)])
        #expect(audit.faces[0].minimumDistance < 1e-6)
        #expect(audit.timing.descriptorCount == (alignment == .worstOfBoth ? 3 : 2))
    }

    @Test func callerMasksGiveExactCoverage() throws {
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: MaskMatrix.faceSize)
        let masked = try TestMask.layered.apply(to: image, face: face)
        let region = MaskRegion(
            box: face.expanded(byFraction: TestMask.marginFraction), shape: .box, objectClass: .face)
        let halfRegion = MaskRegion(
            box: Box(x: face.x, y: face.y, width: face.width / 2, height: face.height), shape: .box, objectClass: .face)
        let detection = Detection(objectClass: .face, box: face, score: 1)
        let full = try auditor.audit(original: image, anonymized: masked, faces: [detection], masks: [region])
        let half = try auditor.audit(original: image, anonymized: masked, faces: [detection], masks: [halfRegion])
        let none = try auditor.audit(original: image, anonymized: masked, faces: [detection])
        #expect(full.faces[0].maskCoverage == 1)
        #expect(abs(half.faces[0].maskCoverage! - 0.5) < 0.05)
        #expect(none.faces[0].maskCoverage == nil)
    }

    @Test func aWeakBlurIsReidentified() throws {
        for audit in try MaskMatrix.audits(for: .blurSigma2) {
            let face = try #require(audit.faces.first)
            #expect(face.isReidentified, "\(audit.path): min distance \(face.minimumDistance)")
            // The pixel-change proxy flags a weak blur: few pixels move by more than the tolerance.
            #expect(face.changedFraction < 0.5, "\(audit.path): blur changed \(face.changedFraction)")
        }
    }

    @Test func aWeakBlurRanksFirstInTheGalleryAndMatchesItsReference() throws {
        let identification = try MaskMatrix.identification(for: .blurSigma2)
        #expect(identification.probeCount == Fixtures.all.count)
        #expect(identification.bestSingleAttack.rank1Rate == 1)
        let atThreshold = try #require(identification.roc.first { abs($0.threshold - 0.6) < 1e-9 })
        #expect(atThreshold.trueMatchRate == 1)
    }

    @Test(arguments: [TestMask.solidFill, .layered])
    func aStrongMaskMatchesNoReferenceAtTheThreshold(mask: TestMask) throws {
        let identification = try MaskMatrix.identification(for: mask)
        let atThreshold = try #require(identification.roc.first { abs($0.threshold - 0.6) < 1e-9 })
        #expect(atThreshold.trueMatchRate == 0, "\(mask)")
    }

    @Test(arguments: [TestMask.solidFill, .layered])
    func aStrongMaskIsNotReidentifiedUnderAnyAttack(mask: TestMask) throws {
        for audit in try MaskMatrix.audits(for: mask) {
            let face = try #require(audit.faces.first)
            for attempt in face.distances {
                #expect(!attempt.isReidentified, "\(mask) on \(audit.path): \(attempt.attack) at \(attempt.distance)")
            }
            // The layered mask keeps cell means, so fewer pixels pass the change tolerance than with a fill.
            #expect(face.changedFraction > 0.7, "\(mask) on \(audit.path) changed only \(face.changedFraction)")
        }
        #expect(try MaskMatrix.report(for: mask).reidentificationRate == 0)
    }

    @Test func everyAttackIsReportedInOrder() throws {
        let audit = try #require(try MaskMatrix.audits(for: .layered).first)
        let names = audit.faces[0].distances.map(\.attack)
        #expect(names == [AttackDistance.unattacked] + ImageAttack.standardSet.map(\.description))
    }

    @Test func sizesMustMatch() throws {
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        let small = Image(size: PixelSize(width: 10, height: 10), blue: 0, green: 0, red: 0)
        let large = Image(size: PixelSize(width: 20, height: 10), blue: 0, green: 0, red: 0)
        #expect(throws: AuditError.sizeMismatch(original: small.size.description, anonymized: large.size.description)) {
            try auditor.audit(original: small, anonymized: large, faces: [])
        }
    }

    @Test func residualDetectionMatchesByOverlap() throws {
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: MaskMatrix.faceSize)
        let shifted = face.offsetBy(dx: face.width * 0.1, dy: 0)
        let cases: [(found: [Detection], isDetected: Bool)] = [
            ([], false),
            ([Detection(objectClass: .face, box: shifted, score: 0.9)], true),
            ([Detection(objectClass: .face, box: shifted, score: 0.2)], false),  // under the score floor
            ([Detection(objectClass: .plate, box: face, score: 0.9)], false),  // not a face
            ([Detection(objectClass: .face, box: face.offsetBy(dx: face.width, dy: 0), score: 0.9)], false),
        ]
        for (found, isDetected) in cases {
            let auditor = try ReidentificationAuditor(
                models: .locate(), configuration: AuditConfiguration(attacks: []),
                residualDetector: ScriptedDetector(detections: found))
            let masked = try TestMask.solidFill.apply(to: image, face: face)
            let audit = try auditor.audit(
                original: image, anonymized: masked, faces: [Detection(objectClass: .face, box: face, score: 1)])
            let residual = try #require(audit.faces.first?.residualDetection)
            #expect(residual.isDetected == isDetected, "\(found)")
            #expect(residual.detector == "scripted")
        }
    }

    @Test func facesComeFromTheGivenDetector() throws {
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: MaskMatrix.faceSize)
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        let detector = ScriptedDetector(detections: [
            Detection(objectClass: .face, box: face, score: 0.9),
            Detection(objectClass: .face, box: face.offsetBy(dx: 10, dy: 0), score: 0.1),  // below minimumScore
            Detection(objectClass: .plate, box: face, score: 0.9),
        ])
        let audit = try auditor.audit(original: image, anonymized: image, faceDetector: detector)
        #expect(audit.faces.count == 1)
    }

    @Test func invalidConfigurationIsRejected() {
        #expect(throws: AuditError.self) {
            try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(matchThreshold: 0))
        }
        #expect(throws: AuditError.self) {
            try ReidentificationAuditor(
                models: .locate(), configuration: AuditConfiguration(contextMarginFraction: 0.1))
        }
    }
}

/// A detector that returns fixed detections, for testing the audit's use of detectors.
struct ScriptedDetector: ObjectDetector {
    var detections: [Detection]
    var name: String { "scripted" }
    var models: [ModelFingerprint] { [] }
    func detect(in image: Image) throws(DetectionError) -> [Detection] { detections }
}
