import Testing
import VeilGeometry
import VeilTracking

/// Coarse passes that cannot see small objects, and new tracks that move with the crowd.
@Suite struct CoarsePassTests {
    static func face(x: Double, y: Double = 50, size: Double) -> Detection {
        Detection(objectClass: .face, box: Box(x: x, y: y, width: size, height: size), score: 0.9)
    }

    @Test func smallTracksAreNotMissedByABlindPass() {
        var tracker = Tracker()
        _ = tracker.update(detections: [Self.face(x: 0, size: 20), Self.face(x: 300, size: 80)])
        let blind = tracker.update(detections: [], blindBelow: 48)
        // The 20 px tentative track survives; the 80 px one was visible and missed: dropped.
        #expect(blind.count == 1)
        #expect(blind.first?.state == .tentative)
        #expect(blind.first?.box.width == 20)
        let next = tracker.update(detections: [Self.face(x: 2, size: 20)])
        #expect(next.first?.id == blind.first?.id)
        #expect(next.first?.isConfirmed == true)
    }

    @Test func confirmedSmallTracksStayTrackedThroughBlindPasses() {
        var tracker = Tracker()
        for frame in 0..<3 {
            _ = tracker.update(detections: [
                Self.face(x: Double(frame), size: 20), Self.face(x: 300 + Double(frame), size: 80),
            ])
        }
        let blind = tracker.update(detections: [], blindBelow: 48)
        #expect(blind.map(\.state) == [.tracked, .lost])
        // Without the blind size, the same miss makes both lost.
        var other = Tracker()
        for frame in 0..<3 {
            _ = other.update(detections: [
                Self.face(x: Double(frame), size: 20), Self.face(x: 300 + Double(frame), size: 80),
            ])
        }
        #expect(other.update(detections: []).map(\.state) == [.lost, .lost])
    }

    @Test func newTracksStartWithTheCrowdsVelocity() {
        let pan = Point(x: 6, y: 0)
        let crowd = (0..<4).map { MovingObject(start: Point(x: Double($0) * 100, y: 300), velocity: pan, size: 60) }
        var tracker = Tracker()
        for frame in 0..<10 {
            _ = tracker.update(detections: crowd.map { $0.detection(atFrame: frame) })
        }
        // A small face appears, moving with the pan; it is seen again only 4 frames later.
        let newcomer = MovingObject(start: Point(x: 500 - 60, y: 100), velocity: pan, size: 16)
        let first = tracker.update(
            detections: crowd.map { $0.detection(atFrame: 10) } + [newcomer.detection(atFrame: 10)])
        let newID = first.first { $0.detectionIndex == 4 }?.id
        #expect(newID != nil)
        for frame in 11..<14 {
            let moved = tracker.update(detections: crowd.map { $0.detection(atFrame: frame) }, blindBelow: 48)
            // Carried with the pan, so the mask stays on the face between full passes.
            let carried = moved.first { $0.id == newID }
            #expect(carried.map { $0.box.iou(newcomer.box(atFrame: frame)) > 0.5 } == true)
        }
        let again = tracker.update(
            detections: crowd.map { $0.detection(atFrame: 14) } + [newcomer.detection(atFrame: 14)])
        #expect(again.first { $0.detectionIndex == 4 }?.id == newID)
        #expect(again.first { $0.id == newID }?.isConfirmed == true)
    }

    @Test func withoutACrowdNewTracksStartStill() {
        var configuration = TrackerConfiguration()
        configuration.minimumTracksForSharedMotion = 3
        var tracker = Tracker(configuration: configuration)
        let movers = (0..<2).map {
            MovingObject(start: Point(x: Double($0) * 100, y: 300), velocity: Point(x: 6, y: 0))
        }
        for frame in 0..<10 {
            _ = tracker.update(detections: movers.map { $0.detection(atFrame: frame) })
        }
        _ = tracker.update(detections: movers.map { $0.detection(atFrame: 10) } + [Self.face(x: 700, y: 50, size: 40)])
        let next = tracker.predictWithoutObservation()
        #expect(next.last?.box.minX == 700)
    }

    @Test func newTracksHoldTheirBoxOverFramesNoPassCouldSeeThemIn() {
        var planner = LookAheadPlanner()
        var plans: [FramePlan] = []
        plans += planner.push([])  // full pass: nothing there
        plans += planner.pushUnobserved()
        plans += planner.push([], blindBelow: 48)  // coarse pass: blind to 20 px
        plans += planner.pushUnobserved()
        plans += planner.push([Self.face(x: 100, size: 20)])  // full pass finds it
        plans += planner.finish()
        #expect(plans.map { $0.boxes.count } == [0, 1, 1, 1, 1])
        // A coarse pass that could see a 60 px face did not: no hold over it.
        var seeing = LookAheadPlanner()
        var seen: [FramePlan] = []
        seen += seeing.push([], blindBelow: 48)
        seen += seeing.pushUnobserved()
        seen += seeing.push([Self.face(x: 100, size: 60)], blindBelow: 48)
        seen += seeing.finish()
        #expect(seen.map { $0.boxes.count } == [0, 1, 1])
    }
}
