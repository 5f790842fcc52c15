import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// ``ScaledDetector``'s cap on the pixels one inference sees (the photo run's peak memory is
/// ONNX Runtime's arena holding the largest input's activations), on generated images and a
/// stand-in network: no model needed.
@Suite struct CappedInputTests {
    /// The stand-in network of these tests: a square cut by a tile's border scores 0.5.
    static func network(smallestFace: Double) -> SquaresNetwork {
        SquaresNetwork(smallestFace: smallestFace, cutScore: 0.5)
    }

    static func canvas(_ size: PixelSize, square: Box) -> Image { SquaresNetwork.canvas(size, squares: [square]) }

    @Test(arguments: [(300, 200), (400, 300), (512, 366), (600, 317), (600, 600), (2000, 1500), (4000, 3000)])
    func noInferenceSeesMoreThanTheCap(width: Int, height: Int) throws {
        let detector = ScaledDetector(network: Self.network(smallestFace: 12))
        let cap = try #require(detector.configuration.maximumInputPixels)
        let size = PixelSize(width: width, height: height)
        let plan = detector.plan(for: size)
        let inputs =
            [(Double(width), Double(height), plan.wholeScale)]
            + plan.tiles.map { ($0.width, $0.height, plan.tileScale) }
        for (tileWidth, tileHeight, scale) in inputs {
            #expect((tileWidth * scale).rounded() * (tileHeight * scale).rounded() <= Double(cap), "\(size)")
        }
        // Small photos keep their enlargement (the tiles run at it when the whole pass cannot);
        // large ones keep 16 px faces at 12 px or more.
        let wanted = min(1280 / Double(max(width, height)), 2)
        #expect(max(plan.wholeScale, plan.tileScale) == max(wanted, plan.tiles.isEmpty ? wanted : 0.75))
    }

    @Test func uncappedPlanIsTodays() {
        var configuration = ScaledDetector.Configuration()
        configuration.maximumInputPixels = nil
        let detector = ScaledDetector(network: Self.network(smallestFace: 12), configuration: configuration)
        let small = detector.plan(for: PixelSize(width: 600, height: 600))
        #expect(small.wholeScale == 2 && small.tiles.isEmpty, "one 1200 px pass, as before the cap")
    }

    @Test func faceStraddlingATileSeamIsFoundOnce() throws {
        // 600 × 600 enlarged 2× would be 1200 × 1200 at the input: over the cap, so the 2× pass
        // runs as tiles. A 20 px face is 40 px in the tiles, but only ~34 px in the whole pass
        // shrunk to the cap, which this network (36 px minimum) misses: the tiles must find it.
        let network = Self.network(smallestFace: 36)
        let detector = ScaledDetector(network: network)
        let size = PixelSize(width: 600, height: 600)
        let plan = detector.plan(for: size)
        #expect(plan.tiles.count > 1 && plan.tileScale == 2)
        #expect(20 * plan.wholeScale < 36, "the whole pass alone would miss it")
        // Across the inner edge of the first tile (right or bottom), inside the next one.
        let first = plan.tiles[0]
        let face =
            first.maxX < Double(size.width)
            ? Box(x: first.maxX - 10, y: first.center.y.rounded(), width: 20, height: 20)
            : Box(x: first.center.x.rounded(), y: first.maxY - 10, width: 20, height: 20)
        #expect(plan.tiles.contains { $0.coverage(of: face) == 1 })
        #expect(plan.tiles[0].coverage(of: face) < 1, "the first tile cuts it")
        let found = try detector.detect(in: Self.canvas(size, square: face))
        #expect(found.count == 1, "found \(found.map(\.box))")
        #expect(found.first.map { $0.box.iou(face) > 0.95 && $0.score == 0.9 } == true, "the whole face, not a cut")
        let cap = try #require(detector.configuration.maximumInputPixels)
        #expect(network.seenInputs.allSatisfy { $0.width * $0.height <= cap }, "\(network.seenInputs)")
    }

    @Test func largeFaceIsFoundOnceByTheWholePass() throws {
        // A face larger than the tiles' overlap is cut by every tile seam it crosses; the
        // whole-image pass (shrunk to the cap) finds it whole, and the tiles' cut boxes merge
        // into it.
        let detector = ScaledDetector(network: Self.network(smallestFace: 36))
        let size = PixelSize(width: 600, height: 600)
        let face = Box(x: 150, y: 150, width: 300, height: 300)
        let found = try detector.detect(in: Self.canvas(size, square: face))
        #expect(found.count == 1, "found \(found.map(\.box))")
        #expect(found.first.map { $0.box.iou(face) > 0.95 } == true)
    }

    @Test(arguments: [(640, 480), (600, 450), (600, 600), (1024, 768), (1280, 960), (800, 600)])
    func aCappedSmallPhotoCostsLittleMoreThanOnePass(width: Int, height: Int) throws {
        // The tiles run at the enlargement the uncapped pass had; the whole pass only looks for
        // faces larger than the overlap, so together they see at most 1.5× the uncapped pixels
        // (a whole pass shrunk only to the cap cost ~2×).
        let detector = ScaledDetector(network: Self.network(smallestFace: 12))
        var uncapped = detector.configuration
        uncapped.maximumInputPixels = nil
        let size = PixelSize(width: width, height: height)
        func pixels(_ plan: (wholeScale: Double, tiles: [Box], tileScale: Double)) -> Double {
            Double(ScaledDetector.inputPixels(of: size, at: plan.wholeScale))
                + plan.tiles.reduce(0) {
                    $0 + ($1.width * plan.tileScale).rounded() * ($1.height * plan.tileScale).rounded()
                }
        }
        let plan = detector.plan(for: size)
        let before = ScaledDetector(network: detector.network, configuration: uncapped).plan(for: size)
        #expect(pixels(plan) <= 1.5 * pixels(before), "\(size): \(pixels(plan)) against \(pixels(before))")
        // A face just larger than the overlap still spans the configured side in the whole pass.
        if !plan.tiles.isEmpty {
            let overlap = plan.tiles.count > 1 ? Self.largestOverlap(plan.tiles) : 0
            #expect(overlap * plan.wholeScale >= detector.configuration.cappedWholePassOverlapSide - 1)
        }
    }

    /// The widest overlap between two neighbouring tiles (image pixels).
    static func largestOverlap(_ tiles: [Box]) -> Double {
        var widest = 0.0
        for (index, a) in tiles.enumerated() {
            for b in tiles[(index + 1)...] {
                guard let shared = a.intersection(b) else { continue }
                widest = max(widest, min(shared.width, shared.height))
            }
        }
        return widest
    }
}
