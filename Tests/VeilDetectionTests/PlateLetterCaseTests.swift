import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// Plates are set in capitals and digits; words in mixed case ("Mon-Fri", "quattro") are signs
/// and badges (issue 15, docs/PLATES.md "Letter case").
@Suite("Plate letter case")
struct PlateLetterCaseTests {
    /// 5 × 5 x-height bitmaps of a few lower-case letters ("#" = ink), drawn on the baseline
    /// of the 5 × 7 capitals.
    static let lowercase: [Character: [String]] = [
        "o": [".###.", "#...#", "#...#", "#...#", ".###."],
        "n": ["####.", "#...#", "#...#", "#...#", "#...#"],
        "r": ["#.##.", "##...", "#....", "#....", "#...."],
        "a": [".###.", "....#", ".####", "#...#", ".####"],
        "u": ["#...#", "#...#", "#...#", "#..##", ".##.#"],
    ]

    /// Draws `text` from `origin` (the capitals' top-left): capitals and digits 7 modules
    /// tall, the lower-case letters above 5 modules tall on the same baseline. Returns the box
    /// of the text.
    static func drawMixedCase(
        _ text: String, in image: inout Image, origin: (x: Int, y: Int), moduleSize: Int,
        ink: PlatesSyntheticImages.Colour
    ) -> Box {
        for (index, character) in text.enumerated() {
            let left = origin.x + index * 7 * moduleSize
            let (rows, top) =
                lowercase[character].map { ($0, origin.y + 2 * moduleSize) }
                ?? (PlatesSyntheticImages.glyphs[character] ?? [], origin.y)
            for (row, line) in rows.enumerated() {
                for (column, isInk) in line.enumerated() where isInk == "#" {
                    PlatesSyntheticImages.fill(
                        &image,
                        Box(
                            x: Double(left + column * moduleSize), y: Double(top + row * moduleSize),
                            width: Double(moduleSize), height: Double(moduleSize)),
                        colour: ink)
                }
            }
        }
        return Box(
            x: Double(origin.x), y: Double(origin.y), width: Double(text.count * 7 * moduleSize - 2 * moduleSize),
            height: Double(7 * moduleSize))
    }

    /// A glyph component with the given box (inclusive pixel indices).
    static func glyph(x: Int, top: Int, bottom: Int, width: Int = 4) -> ConnectedComponent {
        ConnectedComponent(
            pixelCount: width * (bottom - top + 1), rowExtremes: [], minX: x, minY: top, maxX: x + width - 1,
            maxY: bottom)
    }

    @Test func capitalsAndDigitsAreNotLowerCase() {
        let line = (0..<7).map { Self.glyph(x: 6 * $0, top: 4, bottom: 19) }
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 0)
    }

    @Test func xHeightLettersBesideCapitalsAreLowerCase() {
        // "Mon-Fri": M, o, n, F, r, i (the hyphen is no glyph): four x-height letters.
        let tall = (top: 4, bottom: 19)
        let short = (top: 9, bottom: 19)
        let heights = [tall, short, short, tall, short, short]
        let line = heights.enumerated().map {
            Self.glyph(x: 6 * $0.offset, top: $0.element.top, bottom: $0.element.bottom)
        }
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 4)
    }

    @Test func aTiltedLineOfEqualCharactersIsNotLowerCase() {
        // Seven equal characters on a line tilted by ~10°: each bottom 1 px above the last.
        let line = (0..<7).map { Self.glyph(x: 6 * $0, top: 10 - $0, bottom: 25 - $0) }
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 0)
    }

    @Test func aShortGlyphOffTheBaselineIsNotLowerCase() {
        // A plate's characters with one short component hanging from the top (a character
        // broken by a screw or dirt): it does not stand on the line's baseline.
        var line = (0..<7).map { Self.glyph(x: 6 * $0, top: 4, bottom: 19) }
        line[3] = Self.glyph(x: 18, top: 4, bottom: 12)
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 0)
    }

    @Test func charactersMergedWithTheLineAboveAreNotCapitals() {
        // A blurred plate (docs/PLATES.md, "Letter case": br/PJG0783 of the small variant):
        // two characters run together with the city line over them into one component a
        // fifth taller and twice as wide; their neighbours are not lower-case letters.
        var line = (0..<7).map { Self.glyph(x: 10 * $0, top: 6, bottom: 19, width: 9) }
        line.replaceSubrange(3...4, with: [Self.glyph(x: 30, top: 0, bottom: 20, width: 19)])
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 0)
        // The same component one glyph wide is a capital: its neighbours are counted.
        line[3] = Self.glyph(x: 30, top: 0, bottom: 20, width: 9)
        #expect(PlateFeatures.lowercaseGlyphCount(line) == 4)
    }

    @Test func theVerifierRejectsMixedCaseWordsAndKeepsAPlate() throws {
        let verifier = PlateVerifier()
        #expect(verifier.maximumLowercaseGlyphs == 2, "on by default")
        let car = PlatesSyntheticImages.carWithPlate()
        let plate = try #require(
            PlateFeatures(textBox: car.characters.expanded(byFraction: 0.08), textScore: 0.8, in: car.image))
        #expect(plate.lowercaseGlyphCount == 0)
        #expect(verifier.accepts(plate))

        // The same capitals in mixed case on the same plate-like field: a word, not a plate.
        var image = Image(size: PixelSize(width: 640, height: 480), blue: 95, green: 90, red: 85)
        PlatesSyntheticImages.fill(&image, Box(x: 200, y: 290, width: 240, height: 60), gray: 240)
        let text = Self.drawMixedCase("MonFra", in: &image, origin: (x: 215, y: 302), moduleSize: 5, ink: (25, 25, 25))
        let word = try #require(PlateFeatures(textBox: text.expanded(byFraction: 0.08), textScore: 0.8, in: image))
        #expect(word.lowercaseGlyphCount >= 3)
        #expect(!verifier.accepts(word))
        var lenient = verifier
        lenient.maximumLowercaseGlyphs = word.lowercaseGlyphCount
        #expect(lenient.accepts(word))
    }

    /// A slogan in mixed case is no plate by itself but still a line of the stacked plate it
    /// lies under; the same words alone are dropped.
    @Test func mixedCaseLinesJoinAStackButAreNoPlateAlone() {
        let geometry = PlateGeometry()
        let characters = Detection(objectClass: .plate, box: Box(x: 100, y: 100, width: 200, height: 50), score: 0.8)
        let slogan = Detection(objectClass: .plate, box: Box(x: 120, y: 160, width: 160, height: 30), score: 0.7)
        let sign = Detection(objectClass: .plate, box: Box(x: 500, y: 400, width: 160, height: 30), score: 0.9)
        let plates = geometry.stacked([characters], joining: [slogan, sign])
        #expect(plates.count == 1)
        #expect(plates.first?.box == characters.box.union(slogan.box))
        #expect(plates.first?.score == 0.8)
        #expect(geometry.stacked([], joining: [slogan, sign]).isEmpty)
    }
}
