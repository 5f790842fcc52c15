import Foundation
import Testing
import VeilAudit
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTestSupport

/// Veil's real masks, placed by its real planner on faces its real detector finds, audited:
/// none may be re-identified under any attack.
@Suite("Veil's masks under audit", .serialized)
struct VeilMasksAuditTests {
    static let detector: CenterFaceDetector? = try? CenterFaceDetector()

    @Test(arguments: [MaskStyle.layered, .fill, .surrogate])
    func veilMasksAreNotReidentified(style: MaskStyle) throws {
        let detector = try #require(Self.detector.map { ScaledDetector(network: $0) })
        let auditor = try ReidentificationAuditor(models: .locate())
        for name in Fixtures.all {
            let (image, _) = try Fixtures.scaled(name, faceSize: MaskMatrix.faceSize)
            let faces = try detector.detect(in: image).filter { $0.score >= 0.5 }
            try #require(!faces.isEmpty, "no face found in \(name)")
            var masked = image
            var generator = SplitMix64(seed: 11)
            let regions = MaskPlanner().regions(for: faces, in: image.size)
            try Masker(style: style).apply(regions, to: &masked, using: &generator)
            let audit = try auditor.audit(original: image, anonymized: masked, faces: faces, path: name)
            for face in audit.faces {
                #expect(
                    !face.isReidentified,
                    "\(style) on \(name): min distance \(face.minimumDistance) (\(face.closestAttack))")
            }
        }
    }

    @Test func surrogateKeepsTheFaceGeometry() throws {
        // The synthetic face is found again by the detector, with its landmarks near the
        // original's: position, size and roll stay usable for analytics.
        let detector = try #require(Self.detector.map { ScaledDetector(network: $0) })
        for name in [Fixtures.obamaPortrait] {
            let (image, _) = try Fixtures.scaled(name, faceSize: MaskMatrix.faceSize)
            let original = try #require(try detector.detect(in: image).max { $0.score < $1.score })
            var masked = image
            var generator = SplitMix64(seed: 5)
            try Masker(style: .surrogate).apply(
                MaskPlanner().regions(for: [original], in: image.size), to: &masked, using: &generator)
            let found = try #require(
                try detector.detect(in: masked).filter { $0.score >= 0.3 }.max { $0.score < $1.score })
            let eyeDistance = hypot(
                original.landmarks[1].x - original.landmarks[0].x, original.landmarks[1].y - original.landmarks[0].y)
            for (before, after) in zip(original.landmarks, found.landmarks) {
                #expect(hypot(after.x - before.x, after.y - before.y) / eyeDistance < 0.35, "\(name)")
            }
        }
    }
}
