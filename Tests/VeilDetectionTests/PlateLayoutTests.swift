import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

@Suite("Plate scan plan")
struct PlateScanPlanTests {
    @Test func aHDPhotoGetsOneFullResolutionPass() {
        let scan = PlateScanPlan.Configuration()
        let plan = scan.plan(for: PixelSize(width: 1280, height: 720))
        #expect(plan.wholeScale == scan.neededScale && plan.wholeScale >= 1)
        #expect(plan.tiles.isEmpty)
        #expect(PlateDetector.inputSize(for: PixelSize(width: 1280, height: 720), scale: plan.wholeScale).width == 1280)
    }

    @Test func aPhotoIsReadAtTheNeededScaleAndItsSmallTextEnlarged() {
        let scan = PlateScanPlan.Configuration()
        let plan = scan.plan(for: PixelSize(width: 800, height: 600))
        #expect(plan.wholeScale == scan.neededScale)
        #expect(plan.tiles.isEmpty)
        #expect(plan.revisitScale == 2)
        // Low-resolution photos are brought to 640 px (at most 2×), not to 960.
        #expect(scan.plan(for: PixelSize(width: 400, height: 300)).wholeScale == 1.6)
        #expect(scan.plan(for: PixelSize(width: 200, height: 150)).wholeScale == 2)
        var small = scan
        small.smallestPlateHeight = 20
        #expect(small.plan(for: PixelSize(width: 400, height: 300)).wholeScale == 2)
        #expect(small.plan(for: PixelSize(width: 400, height: 300)).revisitScale == 0)
    }

    @Test func onlySmallRejectedTextIsRevisitedInJoinedCrops() {
        let scan = PlateScanPlan.Configuration()
        let size = PixelSize(width: 1000, height: 800)
        let first = Box(x: 100, y: 100, width: 60, height: 20)
        let touching = Box(x: 170, y: 110, width: 40, height: 20)
        let apart = Box(x: 600, y: 500, width: 50, height: 10)
        let tall = Box(x: 300, y: 600, width: 200, height: 60)
        let crops = scan.revisitCrops(
            around: [first, touching, tall, apart], seenAt: 1, revisitScale: 2, imageSize: size)
        #expect(crops.count == 2)
        #expect(crops.contains(Box(minX: 80, minY: 80, maxX: 230, maxY: 150)))
        #expect(crops.contains(Box(minX: 584, minY: 484, maxX: 666, maxY: 526)))
        #expect(scan.revisitCrops(around: [first], seenAt: 1.7, revisitScale: 2, imageSize: size).isEmpty)
        // Crops over half the image: the whole image is read again instead.
        let rows = stride(from: 0.0, to: 800, by: 160).map { Box(x: 0, y: $0, width: 1000, height: 40) }
        #expect(scan.revisitCrops(around: rows, seenAt: 1, revisitScale: 2, imageSize: size) == [size.bounds])
    }

    @Test func aLargeFrameIsTiledAtTheNeededScale() {
        var scan = PlateScanPlan.Configuration()
        scan.smallestPlateHeight = 30
        let size = PixelSize(width: 2560, height: 1920)
        let plan = scan.plan(for: size)
        #expect(plan.wholeScale == 960.0 / 2560)
        #expect(abs(plan.tileScale - 20 / (0.45 * 30)) < 1e-9)
        // Every pixel lies in some tile, and every tile's input stays at the single-pass limit.
        for (x, y) in [(0.0, 0.0), (2559, 1919), (1280, 960), (2559, 0)] {
            #expect(plan.tiles.contains { $0.contains(Point(x: x + 0.5, y: y + 0.5)) })
        }
        #expect(plan.tiles.allSatisfy { $0.width * plan.tileScale <= 1344 + 1e-9 })
    }

    @Test func withoutTilingNothingIsEnlarged() {
        var scan = PlateScanPlan.Configuration()
        scan.allowsTiling = false
        scan.wholeInputSide = 640
        #expect(scan.plan(for: PixelSize(width: 320, height: 240)).wholeScale == 1)
        #expect(scan.plan(for: PixelSize(width: 1280, height: 720)).wholeScale == 0.5)
    }
}

@Suite("Plate character lines")
struct PlateCharacterLinesTests {
    @Test func piecesOfOneLineAreJoinedAndKept() {
        let left = PlateText(box: Box(x: 0, y: 0, width: 40, height: 20), score: 0.8)
        let right = PlateText(box: Box(x: 48, y: 1, width: 40, height: 19), score: 0.7)
        let below = PlateText(box: Box(x: 0, y: 60, width: 40, height: 20), score: 0.9)
        let joined = PlateCharacterLines().joined([left, right, below])
        #expect(joined.count == 4)
        #expect(joined.contains(PlateText(box: Box(x: 0, y: 0, width: 88, height: 20), score: 0.8)))
        #expect(joined.contains(left) && joined.contains(right) && joined.contains(below))
    }

    @Test func farApartWordsStayApart() {
        let words = [
            PlateText(box: Box(x: 0, y: 0, width: 40, height: 20), score: 0.8),
            PlateText(box: Box(x: 80, y: 0, width: 40, height: 20), score: 0.8),
        ]
        #expect(PlateCharacterLines().joined(words) == words)
    }

    @Test func findsTheCharactersBetweenARegionNameAndASlogan() throws {
        // A plate whose characters (35 px) fill ~40 % of its height, with a small line of
        // text above and below, all boxed as one by the detector.
        var scene = PlatesSyntheticImages.carWithPlate(text: "AB-1234", origin: (200, 260), moduleSize: 5)
        let characters = scene.characters
        let whole = Box(
            minX: scene.plate.minX, minY: characters.minY - 30, maxX: scene.plate.maxX, maxY: characters.maxY + 30)
        PlatesSyntheticImages.fill(
            &scene.image, Box(minX: whole.minX, minY: whole.minY, maxX: whole.maxX, maxY: characters.minY - 2),
            gray: 240)
        PlatesSyntheticImages.fill(
            &scene.image, Box(minX: whole.minX, minY: characters.maxY + 2, maxX: whole.maxX, maxY: whole.maxY),
            gray: 240)
        // Small dark marks above and below: a region name and a slogan (about 10 px tall).
        for index in 0..<8 {
            let x = whole.minX + 20 + Double(index) * 14
            PlatesSyntheticImages.fill(&scene.image, Box(x: x, y: whole.minY + 8, width: 8, height: 10), gray: 30)
            PlatesSyntheticImages.fill(&scene.image, Box(x: x, y: whole.maxY - 16, width: 8, height: 8), gray: 30)
        }
        let line = try #require(PlateCharacterLines().tallestCharacterLine(in: whole, of: scene.image))
        #expect(abs(line.center.y - characters.center.y) < 4)
        #expect(line.height > characters.height && line.height < 1.8 * characters.height)
        #expect(line.minX <= characters.minX + 2 && line.maxX >= characters.maxX - 2)
    }

    /// A stacked plate whose characters pass and whose region name does not (issue 15): the
    /// name's text is joined to the plate, so the plate is masked whole; text beside the plate
    /// is not joined.
    @Test func aRejectedLineAboveAcceptedCharactersJoinsThePlate() throws {
        var scene = PlatesSyntheticImages.carWithPlate(text: "AB-1234", origin: (200, 260), moduleSize: 5)
        let characters = scene.characters
        let band = Box(
            minX: scene.plate.minX, minY: characters.minY - 45, maxX: scene.plate.maxX, maxY: scene.plate.minY)
        PlatesSyntheticImages.fill(&scene.image, band, gray: 240)
        // Flat boxes: the verifier rejects them (no transitions), whatever the fit.
        let region = Box(x: characters.minX + 20, y: characters.minY - 40, width: 100, height: 20)
        let beside = Box(x: scene.plate.maxX + 40, y: characters.minY - 30, width: 60, height: 20)
        let texts = [characters.expanded(byFraction: 0.05), region, beside].map { PlateText(box: $0, score: 0.8) }
        let configuration = PlateDetector.Configuration()
        let (plates, rejected, _) = configuration.verified(texts, in: scene.image)
        #expect(rejected.map(\.box) == [region, beside])
        let plate = try #require(plates.first?.box)
        #expect(plates.count == 1)
        #expect(plate.minY <= region.minY && plate.maxY >= characters.maxY)
        #expect(plate.maxX < beside.minX)

        var apart = configuration
        apart.lines.addedLineReachInHeights = 0
        let alone = try #require(apart.verified(texts, in: scene.image).plates.first?.box)
        #expect(alone.minY > region.minY)
    }

    @Test func aSingleLineIsNotNews() {
        let scene = PlatesSyntheticImages.carWithPlate()
        #expect(PlateCharacterLines().tallestCharacterLine(in: scene.plate, of: scene.image) == nil)
    }
}
