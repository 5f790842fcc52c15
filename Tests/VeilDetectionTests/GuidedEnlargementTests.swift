import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// ``GuidedEnlargement``: a small photo enlarged only around the small faces its 1× pass finds,
/// on generated images and a stand-in network (no model needed).
@Suite struct GuidedEnlargementTests {
    static func canvas(_ size: PixelSize, squares: [Box]) -> Image {
        SquaresNetwork.canvas(size, squares: squares)
    }

    static func guided(_ network: any FaceNetwork) -> ScaledDetector {
        var configuration = ScaledDetector.Configuration()
        configuration.guidedEnlargement = GuidedEnlargement()
        return ScaledDetector(network: network, configuration: configuration)
    }

    @Test func regionsAreGrownClampedAndMerged() {
        let guide = GuidedEnlargement()
        let bounds = Box(x: 0, y: 0, width: 500, height: 400)
        // A 20 px face grows by 60 px a side; a 5 px one by the 32 px minimum.
        let regions = guide.regions(
            around: [
                Box(x: 100, y: 100, width: 20, height: 20), Box(x: 150, y: 110, width: 20, height: 20),
                Box(x: 480, y: 380, width: 5, height: 5),
            ],
            in: bounds
        )
        #expect(regions.count == 2)
        #expect(regions.contains(Box(minX: 40, minY: 40, maxX: 230, maxY: 190)))
        #expect(regions.contains(Box(minX: 448, minY: 348, maxX: 500, maxY: 400)))
        #expect(guide.regions(around: [], in: bounds).isEmpty)
    }

    @Test func regionsMergeUntilNoneOverlap() {
        // A chain: the first and third regions only touch once the second joined the first.
        let seeds = [0, 70, 140, 210].map { Box(x: Double($0) + 50, y: 50, width: 10, height: 10) }
        let regions = GuidedEnlargement().regions(around: seeds, in: Box(x: 0, y: 0, width: 640, height: 480))
        #expect(regions == [Box(minX: 18, minY: 18, maxX: 302, maxY: 92)])
    }

    @Test func smallNeighboursOfASmallFaceAreFoundEnlarged() throws {
        // 480 × 360: the plan enlarges 2×. The network needs 16 px: the 20 px face is seen at 1×,
        // its 10 px neighbour only enlarged; a 10 px face far from any seed is not searched
        // enlarged (the price of guiding), but the whole 2× pass finds it.
        let face = Box(x: 100, y: 100, width: 20, height: 20)
        let neighbour = Box(x: 140, y: 104, width: 10, height: 10)
        let alone = Box(x: 400, y: 300, width: 10, height: 10)
        let image = Self.canvas(PixelSize(width: 480, height: 360), squares: [face, neighbour, alone])
        let network = SquaresNetwork(smallestFace: 16)
        let detector = Self.guided(network)
        #expect(detector.guidedScale(for: image.size) == 2)
        let found = try detector.detect(in: image).map(\.box)
        #expect(found.contains(face) && found.contains(neighbour))
        #expect(!found.contains(alone))
        // The 1× pass, then one region: far fewer pixels than the whole photo at 2× (960 × 720).
        let inputs = network.seenInputs
        #expect(inputs.first == image.size)
        #expect(inputs.count == 2 && inputs[1].width * inputs[1].height < 960 * 720 / 4)
        let whole = try ScaledDetector(network: SquaresNetwork(smallestFace: 16)).detect(in: image).map(\.box)
        #expect(whole.contains(alone))
    }

    @Test func aPhotoWithoutSmallFacesIsNotEnlarged() throws {
        let image = Self.canvas(
            PixelSize(width: 480, height: 360), squares: [Box(x: 100, y: 100, width: 60, height: 60)])
        let network = SquaresNetwork(smallestFace: 16)
        let found = try Self.guided(network).detect(in: image)
        #expect(found.map(\.box) == [Box(x: 100, y: 100, width: 60, height: 60)])
        #expect(network.seenInputs == [image.size])
    }

    @Test(
        arguments: [(300, 200, 2.0), (800, 600, 1.6), (1280, 960, nil), (4000, 3000, nil), (1100, 1000, nil)]
            as [(Int, Int, Double?)])
    func guidedOnlyWhereThePlanEnlargesAndTheOneTimesPassFitsTheCap(width: Int, height: Int, scale: Double?) {
        let detector = Self.guided(SquaresNetwork(smallestFace: 12))
        #expect(detector.guidedScale(for: PixelSize(width: width, height: height)) == scale)
        var video = detector.configuration
        video.allowsTiling = false
        let untiled = ScaledDetector(network: detector.network, configuration: video)
        #expect(untiled.guidedScale(for: PixelSize(width: width, height: height)) == nil)
    }

    @Test func aRegionOverTheCapIsCutInTiles() {
        // 800 × 600 at 1.6×: the whole photo as a region would be 1280 × 960 input pixels.
        let detector = Self.guided(SquaresNetwork(smallestFace: 12))
        let cap = detector.configuration.maximumInputPixels ?? 0
        let region = Box(x: 0, y: 0, width: 800, height: 600)
        let parts = detector.parts(of: region, at: 1.6)
        #expect(parts.count > 1)
        #expect(
            parts.allSatisfy {
                ScaledDetector.inputPixels(of: PixelSize(width: Int($0.width), height: Int($0.height)), at: 1.6) <= cap
            })
        #expect(
            detector.parts(of: Box(x: 10, y: 20, width: 300, height: 200), at: 1.6) == [
                Box(x: 10, y: 20, width: 300, height: 200)
            ])
    }
}
