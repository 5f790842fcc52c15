import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

@Suite("DB post-processing")
struct PlatesDBPostProcessingTests {
    /// A map with rectangles of probability 0.9 on 0.
    static func map(width: Int, height: Int, blobs: [(x: Int, y: Int, width: Int, height: Int)]) -> TextProbabilityMap {
        var values = [Float](repeating: 0, count: width * height)
        for blob in blobs {
            for y in blob.y..<blob.y + blob.height {
                for x in blob.x..<blob.x + blob.width { values[y * width + x] = 0.9 }
            }
        }
        return TextProbabilityMap(width: width, height: height, values: values)
    }

    @Test func twoBlobsGiveTwoUnclippedBoxes() {
        let map = Self.map(width: 120, height: 80, blobs: [(10, 10, 40, 10), (60, 50, 30, 8)])
        var processing = DBPostProcessing()
        processing.dilatesBinaryMap = false
        let regions = processing.regions(in: map).sorted { $0.rect.center.x < $1.rect.center.x }
        #expect(regions.count == 2)
        // Pixel centres 10…49 × 10…19: a 39 × 9 rectangle; unclip moves each side out by
        // area × 1.6 / perimeter = 351 × 1.6 / 96 = 5.85.
        let first = regions[0].rect.boundingBox
        let distance = 39.0 * 9 * 1.6 / 96
        #expect(abs(first.minX - (10 - distance)) < 1e-6)
        #expect(abs(first.minY - (10 - distance)) < 1e-6)
        #expect(abs(first.width - (39 + 2 * distance)) < 1e-6)
        #expect(abs(first.height - (9 + 2 * distance)) < 1e-6)
        #expect(abs(regions[0].score - 0.9) < 1e-6)
        let second = regions[1].rect.boundingBox
        #expect(abs(second.center.x - 74.5) < 1e-6 && abs(second.center.y - 53.5) < 1e-6)
    }

    @Test func dilationGrowsRightAndDown() {
        let map = Self.map(width: 120, height: 80, blobs: [(10, 10, 40, 10)])
        let regions = DBPostProcessing().regions(in: map)
        #expect(regions.count == 1)
        let rect = regions[0].rect
        let distance = 40.0 * 10 * 1.6 / 100
        #expect(abs(rect.width - (40 + 2 * distance)) < 1e-6 || abs(rect.height - (40 + 2 * distance)) < 1e-6)
        #expect(abs(rect.center.x - 30) < 1e-6 && abs(rect.center.y - 15) < 1e-6)
    }

    @Test func faintAndTinyRegionsAreDropped() {
        var map = Self.map(width: 60, height: 40, blobs: [(5, 5, 2, 2)])  // 1 × 1 after fitting
        for index in 20 * 60 + 20..<20 * 60 + 50 { map.values[index] = 0.35 }  // one faint row
        for y in 30..<36 { for x in 10..<40 { map.values[y * 60 + x] = 0.4 } }  // score 0.4 < 0.5
        #expect(DBPostProcessing().regions(in: map).isEmpty)
    }

    @Test func minimumAreaRectangleOfRotatedPoints() throws {
        let angle = 0.3
        var points: [Point] = []
        for u in stride(from: -20.0, through: 20, by: 1) {
            for v in stride(from: -5.0, through: 5, by: 1) {
                points.append(Point(x: 50 + u * cos(angle) - v * sin(angle), y: 40 + u * sin(angle) + v * cos(angle)))
            }
        }
        let rect = try #require(RotatedRect.minimumArea(enclosing: points))
        let sides = [rect.width, rect.height].sorted()
        #expect(abs(sides[0] - 10) < 1e-6 && abs(sides[1] - 40) < 1e-6)
        #expect(abs(rect.center.x - 50) < 1e-6 && abs(rect.center.y - 40) < 1e-6)
    }

    @Test func componentsAreEightConnected() {
        // Two diagonal pixels touch; a third pixel two columns away does not.
        var isSet = [Bool](repeating: false, count: 25)
        isSet[0] = true
        isSet[6] = true
        isSet[9] = true
        let components = ConnectedComponents.label(isSet, width: 5, height: 5)
        #expect(components.map(\.pixelCount).sorted() == [1, 2])
    }
}

@Suite("Plate geometry")
struct PlatesGeometryTests {
    @Test func textBoxGrowsToThePlateInTextHeights() {
        let plate = PlateGeometry().plateBox(aroundText: Box(x: 100, y: 50, width: 80, height: 20))
        #expect(plate == Box(x: 88, y: 40, width: 104, height: 34))
    }

    @Test func overlappingPlateBoxesMerge() {
        // A Brazilian plate's city line and characters, and an unrelated plate elsewhere.
        let detections = [
            Detection(objectClass: .plate, box: Box(x: 100, y: 40, width: 120, height: 50), score: 0.8),
            Detection(objectClass: .plate, box: Box(x: 120, y: 30, width: 80, height: 30), score: 0.6),
            Detection(objectClass: .plate, box: Box(x: 400, y: 40, width: 120, height: 50), score: 0.7),
        ]
        let merged = PlateGeometry().merged(detections)
        #expect(merged.count == 2)
        #expect(merged[0].box == Box(x: 100, y: 30, width: 120, height: 60))
        #expect(merged[0].score == 0.8)
    }

    /// A stacked plate found as its region name and its slogan (issue 15): one mask, not two
    /// with the characters between them bare; a plate beside them and a sign far below stay
    /// apart.
    @Test func linesOfAStackedPlateAreJoined() {
        let region = Detection(objectClass: .plate, box: Box(x: 120, y: 100, width: 80, height: 20), score: 0.7)
        let slogan = Detection(objectClass: .plate, box: Box(x: 110, y: 145, width: 100, height: 20), score: 0.8)
        let beside = Detection(objectClass: .plate, box: Box(x: 260, y: 120, width: 90, height: 30), score: 0.6)
        let below = Detection(objectClass: .plate, box: Box(x: 110, y: 260, width: 100, height: 20), score: 0.5)
        let joined = PlateGeometry().stacked([region, slogan, beside, below])
        #expect(joined.count == 3)
        #expect(joined[0].box == Box(x: 110, y: 100, width: 100, height: 65))
        #expect(joined[0].score == 0.8)
        #expect(joined.contains(beside) && joined.contains(below))
        var apart = PlateGeometry()
        apart.stackGapInPlateHeights = 0
        #expect(apart.stacked([region, slogan]).count == 2)
    }

    @Test(arguments: [
        (PixelSize(width: 1280, height: 960), 960, PixelSize(width: 960, height: 736)),
        (PixelSize(width: 300, height: 200), 960, PixelSize(width: 288, height: 192)),
        (PixelSize(width: 2048, height: 1536), 640, PixelSize(width: 640, height: 480)),
        (PixelSize(width: 20, height: 10), 960, PixelSize(width: 32, height: 32)),
    ])
    func inputSizeIsAMultipleOf32(image: PixelSize, maximumSide: Int, expected: PixelSize) {
        #expect(PlateDetector.inputSize(for: image, maximumSide: maximumSide) == expected)
    }
}

@Suite("Plate verification")
struct PlatesVerificationTests {
    @Test func acceptsAPlateLikeCrop() throws {
        let scene = PlatesSyntheticImages.carWithPlate()
        let features = try #require(
            PlateFeatures(textBox: scene.characters.expanded(byFraction: 0.05), textScore: 0.8, in: scene.image))
        #expect(features.glyphsPerHeight > 0.5)
        #expect(features.glyphHeightSpread < 0.2)
        #expect(PlateVerifier().accepts(features))
    }

    @Test func rejectsAUniformPatch() throws {
        let image = Image(size: PixelSize(width: 200, height: 100), blue: 120, green: 130, red: 140)
        let features = try #require(
            PlateFeatures(textBox: Box(x: 20, y: 30, width: 120, height: 30), textScore: 0.6, in: image))
        #expect(features.glyphsPerHeight == 0)
        #expect(!PlateVerifier().accepts(features))
    }

    @Test func rejectsASquareBadge() throws {
        // A dark logo on a mid-grey body: square, few glyphs, weak text score.
        var image = Image(size: PixelSize(width: 200, height: 200), blue: 100, green: 100, red: 100)
        PlatesSyntheticImages.fill(&image, Box(x: 80, y: 80, width: 40, height: 40), gray: 30)
        let features = try #require(
            PlateFeatures(textBox: Box(x: 75, y: 75, width: 50, height: 50), textScore: 0.55, in: image))
        #expect(!PlateVerifier().accepts(features))
    }

    @Test func rejectsASentence() throws {
        // Printed text twice a plate's length: a timestamp, a sign, a label.
        let scene = PlatesSyntheticImages.carWithPlate(
            imageSize: PixelSize(width: 900, height: 200), text: "AB-1234-CBA-4321", origin: (20, 60), moduleSize: 4)
        let features = try #require(
            PlateFeatures(textBox: scene.characters.expanded(byFraction: 0.05), textScore: 0.8, in: scene.image))
        #expect(features.glyphCount > PlateVerifier().maximumGlyphs)
        #expect(!PlateVerifier().accepts(features))
    }

    /// The verifier refit with issue 15's hard negatives, on drawn text: a plate on a car
    /// passes, a burnt-in clock and a parking sign's hours do not.
    @Test func refitVerifierTellsAPlateFromAStampAndASign() throws {
        let verifier = PlateVerifier.refitWithHardNegatives
        let car = PlatesSyntheticImages.carWithPlate()
        let plate = try #require(
            PlateFeatures(textBox: car.characters.expanded(byFraction: 0.08), textScore: 0.8, in: car.image))
        #expect(verifier.accepts(plate))

        // White digits with a dark drop shadow straight on the scene: a camera's clock.
        var photo = PlatesSyntheticImages.scene(PixelSize(width: 640, height: 400))
        let clock = PlatesSyntheticImages.draw(
            "12:35:09", in: &photo, origin: (x: 300, y: 40), moduleSize: 4, ink: (235, 235, 235),
            shadow: (20, 20, 20))
        let stamp = try #require(
            PlateFeatures(textBox: clock.expanded(byFraction: 0.08), textScore: 0.8, in: photo))
        #expect(!verifier.accepts(stamp))

        // A blue parking sign: white hours on a field that runs well past the text.
        PlatesSyntheticImages.fill(&photo, Box(x: 40, y: 150, width: 260, height: 200), colour: (150, 70, 20))
        let hours = PlatesSyntheticImages.draw(
            "MO-FR", in: &photo, origin: (x: 70, y: 230), moduleSize: 5, ink: (245, 245, 245))
        let sign = try #require(
            PlateFeatures(textBox: hours.expanded(byFraction: 0.08), textScore: 0.8, in: photo))
        #expect(!verifier.accepts(sign))
    }

    /// A second opinion overrides a near miss only when it is sure and the first model is not
    /// sure of the opposite.
    @Test func secondOpinionOverridesANearMiss() throws {
        let car = PlatesSyntheticImages.carWithPlate()
        let plate = try #require(
            PlateFeatures(textBox: car.characters.expanded(byFraction: 0.08), textScore: 0.8, in: car.image))
        var verifier = PlateVerifier.refitWithHardNegatives
        let first = verifier.probability(plate)
        let dev = PlateVerifier()
        #expect(dev.probability(plate) >= 0.9)
        verifier.minimumProbability = min(1, first * 2)
        verifier.secondOpinion = nil
        #expect(!verifier.accepts(plate))
        verifier.secondOpinion = .init(model: dev, minimumProbability: 0.9, minimumFirstProbability: first / 2)
        #expect(verifier.accepts(plate))
        verifier.secondOpinion?.minimumFirstProbability = min(1, first * 1.5)
        #expect(!verifier.accepts(plate))
        verifier.secondOpinion?.minimumFirstProbability = 0
        verifier.secondOpinion?.minimumProbability = 1
        #expect(!verifier.accepts(plate))
    }

    /// Bold characters filling most of a tight box (issue 15): the plate's field is the white
    /// around them, not the ink, so the dark car around the plate does not "continue" it.
    @Test func fieldColourOfBoldCharactersIsTheirBackground() throws {
        var image = Image(size: PixelSize(width: 400, height: 200), blue: 30, green: 30, red: 30)
        PlatesSyntheticImages.fill(&image, Box(x: 100, y: 80, width: 200, height: 40), gray: 240)
        for index in 0..<7 {
            PlatesSyntheticImages.fill(
                &image, Box(x: Double(113 + 24 * index), y: 86, width: 20, height: 28), gray: 25)
        }
        let box = Box(x: 110, y: 84, width: 180, height: 32)
        let features = try #require(PlateFeatures(textBox: box, textScore: 0.8, in: image))
        #expect(features.darkFraction > 0.6)
        #expect(features.glyphCount == 7)
        #expect(features.fieldBeyond < 0.05)
        #expect(features.surroundContrast > 0.6)
        let fromLargerClass = try #require(
            PlateFeatures(textBox: box, textScore: 0.8, in: image, fieldEstimate: .largerClass))
        #expect(fromLargerClass.fieldBeyond > 0.95)
    }

    @Test func zeroThresholdAcceptsAnything() throws {
        let image = Image(size: PixelSize(width: 100, height: 100), blue: 0, green: 0, red: 0)
        var verifier = PlateVerifier()
        verifier.minimumProbability = 0
        let features = try #require(
            PlateFeatures(textBox: Box(x: 10, y: 10, width: 30, height: 30), textScore: 0.5, in: image))
        #expect(verifier.accepts(features))
    }
}
