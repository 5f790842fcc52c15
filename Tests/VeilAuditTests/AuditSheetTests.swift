import Testing
import VeilAudit
import VeilGeometry
import VeilMedia

/// The visual audit sheet: tiles cut from the anonymized image, framed by verdict.
@Suite struct AuditSheetTests {
    func face(_ box: Box, reidentified: Bool = false, tooSmall: Bool = false) -> FaceAudit {
        FaceAudit(
            box: box, changedFraction: 1,
            distances: tooSmall ? [] : [AttackDistance(attack: "none", distance: 0.5, isReidentified: reidentified)],
            isReidentified: reidentified, residualDetection: nil, isTooSmallToJudge: tooSmall)
    }

    @Test func tilesComeFromTheAnonymizedImageFramedByVerdict() throws {
        // A blue anonymized image with a red patch where the first face is.
        var anonymized = Image(size: PixelSize(width: 200, height: 100), blue: 200, green: 0, red: 0)
        for y in 20..<60 {
            for x in 20..<60 {
                let offset = anonymized.offset(x: x, y: y)
                anonymized.pixels[offset + 2] = 255
                anonymized.pixels[offset] = 0
            }
        }
        var sheet = AuditSheet(tileSide: 64, columns: 2)
        try sheet.add(
            anonymized: anonymized,
            faces: [
                face(Box(x: 20, y: 20, width: 40, height: 40), reidentified: true),
                face(Box(x: 120, y: 20, width: 40, height: 40)),
                face(Box(x: 180, y: 80, width: 10, height: 10), tooSmall: true),
            ])
        let image = sheet.render()
        #expect(sheet.tiles.count == 3)
        #expect(image.size == PixelSize(width: 128, height: 128))
        // Centres: the red patch, then the blue background; borders: red, green, grey.
        #expect(image[32, 32] == (0, 0, 255))
        #expect(image[96, 32] == (200, 0, 0))
        #expect(image[1, 1] == (40, 40, 220))
        #expect(image[65, 1] == (60, 170, 60))
        #expect(image[1, 65] == (150, 150, 150))
        // The fourth cell stays white.
        #expect(image[96, 96] == (255, 255, 255))
    }

    @Test func aFullSheetCountsWhatItLeavesOut() throws {
        let anonymized = Image(size: PixelSize(width: 50, height: 50), blue: 0, green: 0, red: 0)
        var sheet = AuditSheet(maximumTiles: 2)
        try sheet.add(anonymized: anonymized, faces: (0..<5).map { _ in face(Box(x: 5, y: 5, width: 20, height: 20)) })
        #expect(sheet.tiles.count == 2 && sheet.omittedCount == 3)
    }
}
