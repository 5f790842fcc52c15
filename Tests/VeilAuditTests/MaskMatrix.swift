import VeilAudit
import VeilGeometry
import VeilMedia

/// Every test mask on every portrait, audited once and shared by the tests that check verdicts
/// (one audit is 13 descriptors, ~1 s in a debug build).
enum MaskMatrix {
    /// Faces are scaled to this short side first: a typical face in a phone photo or 1080p video.
    static let faceSize = 200.0

    struct Entry: Sendable {
        var mask: TestMask
        var portrait: String
        var audit: ImageAudit
        /// The face's descriptors, for identification against a gallery.
        var probe: GalleryProbe?
    }

    /// Computed on first use; a failure is kept and rethrown to every test that asks.
    static let entries: Result<[Entry], any Error> = Result {
        let auditor = try ReidentificationAuditor(models: .locate())
        var entries: [Entry] = []
        for portrait in Fixtures.all {
            let (image, face) = try Fixtures.scaled(portrait, faceSize: faceSize)
            let detection = Detection(objectClass: .face, box: face, score: 1)
            for mask in TestMask.allCases {
                let masked = try mask.apply(to: image, face: face)
                let audit = try auditor.audit(original: image, anonymized: masked, faces: [detection], path: portrait)
                entries.append(Entry(mask: mask, portrait: portrait, audit: audit, probe: auditor.probes.last))
            }
        }
        return entries
    }

    static func audits(for mask: TestMask) throws -> [ImageAudit] {
        try entries.get().filter { $0.mask == mask }.map(\.audit)
    }

    /// The mask's faces ranked against the gallery of the portraits' originals.
    static func identification(for mask: TestMask) throws -> GalleryIdentification {
        GalleryIdentification(probes: try entries.get().filter { $0.mask == mask }.compactMap(\.probe))
    }

    static func report(for mask: TestMask) throws -> AuditReport {
        try AuditReport(files: audits(for: mask), configuration: AuditConfiguration())
    }
}
