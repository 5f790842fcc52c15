import Testing
import VeilGeometry
import VeilPipeline
import VeilReview

/// Corrections spread to the neighbouring keyframes; regions move between theirs.
@Suite struct InterpolationTests {
    func box(_ document: ReviewDocument, _ track: Int, _ frame: Int) -> Box? {
        document.track(track)?.boxes.first { $0.frame == frame }?.box
    }

    func x(_ document: ReviewDocument, _ track: Int, _ frame: Int) -> Double {
        box(document, track, frame)?.x ?? .nan
    }

    func isClose(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    @Test func aMoveFadesLinearlyToTheNeighbouringKeyframes() throws {
        var document = try Fixtures.document()
        // Frame 15 is predicted; detections (keyframes) on 10 and 20. Move it 10 px right.
        try document.apply(.moveBox(track: 1, frame: 15, box: Box(x: 25, y: 10, width: 20, height: 20)))
        #expect(box(document, 1, 15) == Box(x: 25, y: 10, width: 20, height: 20))
        #expect(isClose(x(document, 1, 12), 12 + 4))  // weight (12 − 10) / 5
        #expect(isClose(x(document, 1, 18), 18 + 4))  // weight (20 − 18) / 5
        for unchanged in [0, 9, 10, 20, 21, 49] {
            #expect(box(document, 1, unchanged) == Fixtures.box(unchanged, 1), "frame \(unchanged)")
        }
        #expect(document.states[1]?.correctedFrames == [15])
        // The correction is now a keyframe: a second one on 17 fades to 15, not to 10.
        try document.apply(.moveBox(track: 1, frame: 17, box: Box(x: 37, y: 10, width: 20, height: 20)))
        #expect(box(document, 1, 15) == Box(x: 25, y: 10, width: 20, height: 20))
        // Frame 16 was at 24 after the first move; weight (16 − 15) / 2 of the 14 px shift.
        #expect(isClose(x(document, 1, 16), 24 + 7))
        #expect(box(document, 1, 20) == Fixtures.box(20, 1))
        #expect(document.states[1]?.correctedFrames == [15, 17])
    }

    @Test func aResizeScalesTheNeighboursAndKeepsSidesPositive() throws {
        var document = try Fixtures.document()
        // Double frame 15's box about its centre.
        try document.apply(.moveBox(track: 1, frame: 15, box: Box(x: 5, y: 0, width: 40, height: 40)))
        let neighbour = try #require(box(document, 1, 12))
        #expect(isClose(neighbour.width, 28))  // 20 × (1 + 0.4 × (2 − 1))
        #expect(isClose(neighbour.center.x, 22) && isClose(neighbour.center.y, 20))
        // Shrinking to a sliver never makes a neighbour's side negative.
        try document.apply(.moveBox(track: 1, frame: 15, box: Box(x: 30, y: 30, width: 0.01, height: 0.01)))
        #expect(document.track(1)?.boxes.allSatisfy { $0.box.width > 0 && $0.box.height > 0 } == true)
    }

    @Test func beforeTheFirstKeyframeTheMoveIsHeld() throws {
        var document = try Fixtures.document()
        try document.apply(.deleteBoxes(track: 1, frame: 0, toward: .start))  // first detection now on 10
        try document.apply(.moveBox(track: 1, frame: 10, box: Box(x: 20, y: 10, width: 20, height: 20)))
        for frame in 1..<10 { #expect(isClose(x(document, 1, frame), Double(frame) + 10), "frame \(frame)") }
        #expect(isClose(x(document, 1, 15), 15 + 5))
        #expect(box(document, 1, 20) == Fixtures.box(20, 1))
    }

    @Test func landmarksMoveWithTheirBox() throws {
        var document = try Fixtures.document()
        try document.apply(.moveBox(track: 1, frame: 10, box: Box(x: 20, y: 10, width: 20, height: 20)))
        let entry = try #require(document.track(1)?.boxes.first { $0.frame == 10 })
        #expect(entry.landmarks == [Point(x: 25, y: 15)])
        #expect(entry.source == .detected)
    }

    @Test func aBoxOnAFrameWithoutOneIsAddedAlone() throws {
        var document = try Fixtures.document()
        try document.apply(.moveBox(track: 1, frame: 70, box: Box(x: 1, y: 2, width: 3, height: 4)))
        #expect(Fixtures.frames(document.track(1)) == Array(0..<50) + [70])
        #expect(box(document, 1, 49) == Fixtures.box(49, 1))
        #expect(document.track(1)?.boxes.last?.source == .filled)
        #expect(throws: ReviewError.invalidBox("width and height must be positive (got -3.0×4.0)")) {
            try document.apply(.moveBox(track: 1, frame: 71, box: Box(x: 1, y: 2, width: -3, height: 4)))
        }
        #expect {
            try document.apply(.moveBox(track: 1, frame: 71, box: Box(x: .infinity, y: 2, width: 3, height: 4)))
        } throws: { "\($0)".contains("finite") }
    }

    @Test func regionsInterpolateBetweenKeyframesInsideTheirSpan() throws {
        let region = Fixtures.region()
        #expect(region.box(atFrame: 9) == nil)
        #expect(region.box(atFrame: 10) == Box(x: 100, y: 100, width: 40, height: 20))
        #expect(region.box(atFrame: 20) == Box(x: 120, y: 110, width: 60, height: 30))
        #expect(region.box(atFrame: 30) == Box(x: 140, y: 120, width: 80, height: 40))
        #expect(region.box(atFrame: 31) == nil)
        var open = region
        open.lastFrame = nil
        #expect(open.box(atFrame: 99) == Box(x: 140, y: 120, width: 80, height: 40))
        #expect(region.mask(atFrame: 20)?.shape == .box)
    }

    @Test func aPolygonMovesAndScalesWithItsBox() throws {
        let region = Fixtures.region(shape: .polygon)
        let first = try #require(region.mask(atFrame: 10))
        #expect(first.polygon == [Point(x: 100, y: 100), Point(x: 140, y: 100), Point(x: 120, y: 120)])
        let last = try #require(region.mask(atFrame: 30))
        #expect(last.shape == .polygon)
        #expect(last.polygon?.first == Point(x: 140, y: 120))  // centre (120,110)→(180,140), scale 2
        #expect(last.polygon?[1] == Point(x: 220, y: 120))
    }
}
