import Testing
import VeilGeometry

@Suite struct BoxTests {
    @Test func intersectionAndUnion() {
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        let b = Box(x: 5, y: 5, width: 10, height: 10)
        #expect(a.intersection(b) == Box(x: 5, y: 5, width: 5, height: 5))
        #expect(a.union(b) == Box(x: 0, y: 0, width: 15, height: 15))
        #expect(a.intersection(Box(x: 20, y: 20, width: 1, height: 1)) == nil)
    }

    @Test(arguments: [
        (Box(x: 0, y: 0, width: 10, height: 10), Box(x: 0, y: 0, width: 10, height: 10), 1.0),
        (Box(x: 0, y: 0, width: 10, height: 10), Box(x: 5, y: 0, width: 10, height: 10), 50.0 / 150.0),
        (Box(x: 0, y: 0, width: 10, height: 10), Box(x: 10, y: 0, width: 10, height: 10), 0.0),
        (Box(x: 0, y: 0, width: 10, height: 10), Box(x: 2, y: 2, width: 5, height: 5), 25.0 / 100.0),
    ])
    func iou(a: Box, b: Box, expected: Double) {
        #expect(abs(a.iou(b) - expected) < 1e-12)
        #expect(abs(b.iou(a) - expected) < 1e-12)
    }

    @Test func coverageIsAsymmetric() {
        let big = Box(x: 0, y: 0, width: 10, height: 10)
        let small = Box(x: 8, y: 8, width: 4, height: 4)
        #expect(big.coverage(of: small) == 0.25)
        #expect(abs(small.coverage(of: big) - 0.04) < 1e-12)
    }

    @Test func expansionKeepsCentre() {
        let box = Box(x: 10, y: 20, width: 100, height: 50)
        let grown = box.expanded(byFraction: 0.2)
        #expect(grown == Box(x: -10, y: 10, width: 140, height: 70))
        #expect(grown.center == box.center)
        let asymmetric = box.expanded(horizontalFraction: 0.1, topFraction: 0.5, bottomFraction: 0)
        #expect(asymmetric == Box(x: 0, y: -5, width: 120, height: 75))
    }

    @Test func clampingToImage() {
        let bounds = PixelSize(width: 100, height: 80).bounds
        #expect(
            Box(x: -10, y: 70, width: 30, height: 30).clamped(to: bounds) == Box(x: 0, y: 70, width: 20, height: 10))
        #expect(Box(x: 200, y: 0, width: 5, height: 5).clamped(to: bounds).isEmpty)
    }

    @Test func detectionMapping() {
        let detection = Detection(
            objectClass: .face,
            box: Box(x: 1, y: 2, width: 3, height: 4),
            score: 0.9,
            landmarks: [Point(x: 1, y: 1)]
        )
        let mapped = detection.mapped(scaleX: 2, scaleY: 3, dx: 10, dy: 20)
        #expect(mapped.box == Box(x: 12, y: 26, width: 6, height: 12))
        #expect(mapped.landmarks == [Point(x: 12, y: 23)])
        #expect(mapped.score == 0.9)
    }

    @Test func interpolationMovesCentreAndSidesLinearly() {
        let a = Box(x: 0, y: 0, width: 10, height: 20)
        let b = Box(x: 100, y: 40, width: 30, height: 20)
        #expect(a.interpolated(to: b, fraction: 0) == a)
        #expect(a.interpolated(to: b, fraction: 1) == b)
        #expect(a.interpolated(to: b, fraction: 0.5) == Box(x: 50, y: 20, width: 20, height: 20))
        // Extrapolating past a shrinking side stops at zero instead of turning it negative.
        let shrunk = b.interpolated(to: a, fraction: 3)
        #expect(shrunk.width == 0 && shrunk.height == 20)
    }

    @Test func mergingOverlapsJoinsChainsAndKeepsTheRestApart() {
        // a and c do not overlap, but both overlap b: one region. A box the union reaches only
        // after a merge (d, inside a ∪ b ∪ c's bounds but touching none of them) joins too.
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        let b = Box(x: 8, y: 8, width: 10, height: 10)
        let c = Box(x: 16, y: 0, width: 10, height: 10)
        let d = Box(x: 20, y: 14, width: 3, height: 3)
        let apart = Box(x: 50, y: 50, width: 5, height: 5)
        let merged = [d, apart, a, b, c].mergingOverlaps()
        #expect(Set(merged) == [Box(x: 0, y: 0, width: 26, height: 18), apart])
        #expect([Box]().mergingOverlaps().isEmpty)
        // Boxes that only share an edge do not overlap.
        #expect([a, Box(x: 10, y: 0, width: 5, height: 5)].mergingOverlaps().count == 2)
    }
}
