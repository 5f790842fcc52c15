import Testing
import VeilAudit
import VeilGeometry
import VeilMedia

@Suite("DlibFaceDetector (HOG)")
struct DlibFaceDetectorTests {
    /// Downscaled so the face is ~100 px: HOG templates compile at -O0 in debug builds.
    @Test func findsThePortraitsFace() throws {
        let (image, face) = try Fixtures.scaled(Fixtures.obamaPortrait, faceSize: 100)
        let found = try DlibFaceDetector().detect(in: image)
        #expect(found.count == 1)
        let detection = try #require(found.first)
        #expect(detection.objectClass == .face)
        #expect(detection.box.iou(face) > 0.6, "found \(detection.box), expected near \(face)")
        #expect((0.5...1).contains(detection.score))
    }

    @Test func findsNothingInAFlatImage() throws {
        let image = Image(size: PixelSize(width: 120, height: 120), blue: 90, green: 120, red: 150)
        #expect(try DlibFaceDetector().detect(in: image).isEmpty)
    }

    @Test func rejectsNegativeUpsampling() {
        #expect(throws: AuditError.self) { try DlibFaceDetector(configuration: .init(upsampleCount: -1)) }
    }
}
