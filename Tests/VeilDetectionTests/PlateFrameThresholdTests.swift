import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// A plate the text detector boxed with the bright chrome frame under it: three tones in one
/// box (dark characters, a dim grey field, a bright bar), so Otsu's threshold over the whole
/// box splits the bar from the rest and finds no characters; over the middle rows it splits
/// the characters from the field (docs/PLATES.md, "A plate boxed with its frame").
@Suite("Plate boxed with its frame")
struct PlateFrameThresholdTests {
    /// A dim plate (field grey 135, characters grey 40) with a bright bar (grey 250) under it
    /// and the text box the detector gives: the characters, the field and the bar.
    static func dimPlateOverChrome() -> (image: Image, text: Box, plate: Box) {
        var image = Image(size: PixelSize(width: 640, height: 480), blue: 60, green: 58, red: 55)
        let plate = Box(x: 200, y: 280, width: 250, height: 60)
        PlatesSyntheticImages.fill(&image, plate, gray: 135)
        let characters = PlatesSyntheticImages.draw(
            "AB1234", in: &image, origin: (x: 215, y: 290), moduleSize: 5, ink: (40, 40, 40))
        let bar = Box(x: 190, y: plate.maxY, width: 270, height: 12)
        PlatesSyntheticImages.fill(&image, bar, gray: 250)
        let text = Box(minX: characters.minX - 8, minY: characters.minY - 6, maxX: characters.maxX + 8, maxY: bar.maxY)
        return (image, text, plate)
    }

    @Test func theMiddleRowsTellTheCharactersFromTheField() throws {
        let scene = Self.dimPlateOverChrome()
        let verifier = PlateVerifier()
        let whole = try #require(PlateFeatures(textBox: scene.text, textScore: 0.8, in: scene.image))
        #expect(whole.glyphCount == 0, "the whole box's threshold puts field and characters together")
        #expect(!verifier.accepts(whole))
        let middle = try #require(
            PlateFeatures(textBox: scene.text, textScore: 0.8, in: scene.image, thresholdRows: .middle))
        #expect(middle.glyphCount == 6)
        #expect(verifier.accepts(middle))
    }

    @Test func theVerificationFallsBackToTheMiddleRows() {
        let scene = Self.dimPlateOverChrome()
        let configuration = PlateDetector.Configuration()
        let plates = configuration.verified([PlateText(box: scene.text, score: 0.8)], in: scene.image).plates
        #expect(plates.count == 1)
        #expect(plates.first.map { $0.box.intersection(scene.plate)?.area ?? 0 } == scene.plate.area)
    }

    @Test func anOrdinaryPlateBoxIsReadAlikeEitherWay() throws {
        // White field, dark characters, two tones: both thresholds find the same characters.
        let car = PlatesSyntheticImages.carWithPlate()
        let box = car.characters.expanded(byFraction: 0.08)
        let whole = try #require(PlateFeatures(textBox: box, textScore: 0.8, in: car.image))
        let middle = try #require(PlateFeatures(textBox: box, textScore: 0.8, in: car.image, thresholdRows: .middle))
        #expect(whole.glyphCount == 6 && middle.glyphCount == 6, "AB-1234: the hyphen is no glyph")
        #expect(abs(whole.darkFraction - middle.darkFraction) < 0.01)
    }
}

/// A plate whose characters the detector boxed in part ("959AD" of "RK-959AD"): an accepted
/// text with fewer glyphs than a plate holds is handed back as a piece, to be read again with
/// room on either side (docs/PLATES.md, "Photos: ImageNet's normalisation").
@Suite("Plate pieces")
struct PlatePieceTests {
    @Test func anAcceptedTextOfThreeCharactersIsAPieceAndAWholePlateIsNot() throws {
        let car = PlatesSyntheticImages.carWithPlate(text: "AB-1234")
        // Each character is 5 modules wide with a 2-module gap (moduleSize 5: 35 px apart).
        let lastThree = Box(
            minX: car.characters.maxX - 3 * 35 + 10, minY: car.characters.minY, maxX: car.characters.maxX,
            maxY: car.characters.maxY
        ).expanded(byFraction: 0.08)
        let whole = car.characters.expanded(byFraction: 0.08)
        let configuration = PlateDetector.Configuration()
        let piece = configuration.verified([PlateText(box: lastThree, score: 0.8)], in: car.image)
        #expect(piece.plates.count == 1, "the piece is a plate by itself")
        #expect(piece.pieces == [lastThree])
        let plate = configuration.verified([PlateText(box: whole, score: 0.8)], in: car.image)
        #expect(plate.plates.count == 1)
        #expect(plate.pieces.isEmpty)
        var off = configuration
        off.verifier.fewestGlyphsOfAWholePlate = 0
        #expect(off.verified([PlateText(box: lastThree, score: 0.8)], in: car.image).pieces.isEmpty)
    }
}
