import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

@Suite("Guided plate scan")
struct GuidedPlateScanTests {
    @Test func proposalsAreGrownAndTouchingRegionsMerged() throws {
        let guide = GuidedPlateScan()
        let bounds = PixelSize(width: 1000, height: 800).bounds
        let small = Box(x: 100, y: 100, width: 40, height: 10)  // margin 32 (the minimum)
        let beside = Box(x: 190, y: 100, width: 40, height: 10)  // its region touches the first
        let tall = Box(x: 600, y: 500, width: 60, height: 20)  // margin 2 × 20
        let regions = try #require(guide.regions(around: [small, beside, tall], in: bounds))
        #expect(regions.count == 2)
        #expect(regions.contains(Box(minX: 68, minY: 68, maxX: 262, maxY: 142)))
        #expect(regions.contains(Box(minX: 560, minY: 460, maxX: 700, maxY: 560)))
        #expect(guide.regions(around: [], in: bounds) == [])
        // Regions over half the photo: the plan reads the whole photo instead.
        let rows = stride(from: 0.0, to: 800, by: 100).map { Box(x: 0, y: $0 + 40, width: 900, height: 10) }
        #expect(guide.regions(around: rows, in: bounds) == nil)
    }

    @Test func onlyPhotosThePlanEnlargesAreGuided() {
        let scan = PlateScanPlan.Configuration()
        let guide = GuidedPlateScan()
        // A 420 px photo: the plan reads it at 640 px, the guide at the needed scale.
        #expect(
            guide.scale(for: scan.plan(for: PixelSize(width: 420, height: 300)), needed: scan.neededScale)
                == scan.neededScale)
        // A 600 px photo: the plan's 640 px is nearly the needed scale; no guide.
        #expect(guide.scale(for: scan.plan(for: PixelSize(width: 600, height: 400)), needed: scan.neededScale) == nil)
        #expect(guide.scale(for: scan.plan(for: PixelSize(width: 1280, height: 720)), needed: scan.neededScale) == nil)
        // A tiled photo is read as the plan reads it, whatever the guide's scale.
        var coarse = guide
        coarse.scaleFraction = 0.25
        #expect(
            coarse.scale(for: scan.plan(for: PixelSize(width: 4000, height: 3000)), needed: scan.neededScale) == nil)
        #expect(coarse.scale(for: scan.plan(for: PixelSize(width: 1280, height: 720)), needed: scan.neededScale) != nil)
    }

    @Test func aLargeRegionIsTiledInsideItself() throws {
        let scan = PlateScanPlan.Configuration()
        let plan = scan.plan(for: PixelSize(width: 4000, height: 3000))
        let small = Box(x: 100, y: 200, width: 600, height: 300)
        let large = Box(x: 1000, y: 1000, width: 2400, height: 1800)
        let passes = scan.passes(of: plan, in: [small, large], imageSize: PixelSize(width: 4000, height: 3000))
        // The small region grown to whole multiples of 32 at its scale (608 × 320 input).
        let first = try #require(passes.first)
        #expect(first.scale == plan.tileScale && first.crop.coverage(of: small) >= 1)
        #expect(first.crop.width < 610 && first.crop.height < 320)
        // The large region: read whole at 960 px, then in tiles at the needed scale, all inside it.
        #expect(passes[1] == PlateScanPlan.Pass(crop: large, scale: 960.0 / 2400))
        #expect(passes.count > 3)
        #expect(passes.dropFirst(2).allSatisfy { large.coverage(of: $0.crop) >= 1 && $0.scale == plan.tileScale })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: plateModelURL.path), "run `make setup` for the model"))
    func aDrawnPlateIsFoundInsideTheGuidedRegionsOnly() throws {
        var configuration = PlateDetector.Configuration()
        configuration.guide = GuidedPlateScan()
        let detector = try PlateDetector(modelURL: plateModelURL, configuration: configuration)
        // A 44 px plate (the smallest the defaults must find) on a 416 × 312 "car".
        let scene = PlatesSyntheticImages.carWithPlate(
            imageSize: PixelSize(width: 416, height: 312), origin: (40, 240), moduleSize: 4)
        let plan = configuration.scan.plan(for: scene.image.size)
        let passes = try detector.passes(of: plan, in: scene.image)
        #expect(!passes.isEmpty)
        #expect(passes.allSatisfy { $0.scale == plan.wholeScale })
        #expect(passes.reduce(0) { $0 + $1.crop.area } < scene.image.size.bounds.area * 3 / 4)
        #expect(passes.contains { $0.crop.coverage(of: scene.plate) >= 1 })
        let plates = try detector.detect(in: scene.image)
        #expect(plates.count == 1)
        #expect(try #require(plates.first).box.coverage(of: scene.plate) >= 0.9)
        // Nothing that looks like text: no pass at the plan's scale at all.
        let blank = Image(size: scene.image.size, blue: 95, green: 90, red: 85)
        #expect(try detector.passes(of: plan, in: blank).isEmpty)
    }
}
