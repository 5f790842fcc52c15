import Testing
import VeilGeometry
import VeilTestSupport
import VeilTracking

@Suite struct LookAheadPlannerTests {
    /// The planned boxes of one track in one frame's plan.
    func boxes(of id: TrackID?, in plan: FramePlan) -> [PlannedBox] {
        plan.boxes.filter { $0.trackID == id }
    }

    @Test(arguments: [0, 1, 5, 30], [0, 3, 100])
    func onePlanPerFrameInOrder(lookAheadFrames: Int, frameCount: Int) {
        let object = MovingObject(start: Point(x: 0, y: 0), velocity: Point(x: 1, y: 1))
        var planner = LookAheadPlanner(configuration: LookAheadConfiguration(lookAheadFrames: lookAheadFrames))
        var output: [FramePlan] = []
        for frame in 0..<frameCount {
            let ready = planner.push([object.detection(atFrame: frame)])
            #expect(ready.count == (frame >= lookAheadFrames ? 1 : 0))
            output += ready
        }
        output += planner.finish()
        #expect(output.map(\.frameIndex) == Array(0..<frameCount))
        #expect(planner.pendingFrameCount == 0)
    }

    @Test(arguments: BackwardFillStyle.allCases)
    func aTrackFoundLateCoversTheFramesBefore(style: BackwardFillStyle) throws {
        let object = MovingObject(start: Point(x: 100, y: 100), velocity: Point(x: 3, y: 1))
        let frames = (0..<20).map { frame in frame < 5 ? [] : [object.detection(atFrame: frame)] }
        let output = plans(for: frames, configuration: LookAheadConfiguration(backwardFill: style))
        let id = try #require(output[5].boxes.first?.trackID)
        for frame in 0..<5 {
            let planned = boxes(of: id, in: output[frame])
            #expect(planned.map(\.source) == [.filled])
            let first = object.box(atFrame: 5)
            #expect(planned.first.map { $0.box.contains(first) } == true)
            if style == .holdAndExtrapolate {
                #expect(planned.first.map { $0.box.contains(object.box(atFrame: frame)) } == true)
            }
        }
        #expect(output[5...].allSatisfy { $0.boxes.map(\.source) == [.detected] })
    }

    @Test func backwardFillStopsAtTheConfiguredLimit() {
        let object = MovingObject(start: Point(x: 100, y: 100), velocity: Point(x: 0, y: 0))
        let frames = (0..<20).map { frame in frame < 10 ? [] : [object.detection(atFrame: frame)] }
        let output = plans(for: frames, configuration: LookAheadConfiguration(backwardFillFrames: 4))
        #expect(output[0..<6].allSatisfy { $0.boxes.isEmpty })
        #expect(output[6..<10].allSatisfy { $0.boxes.map(\.source) == [.filled] })
    }

    @Test(arguments: [1, 3, 8])
    func missesBetweenDetectionsAreInterpolated(missedFrames: Int) throws {
        let object = MovingObject(start: Point(x: 0, y: 50), velocity: Point(x: 5, y: 2))
        let missed = 10..<(10 + missedFrames)
        let frames = (0..<30).map { frame in missed.contains(frame) ? [] : [object.detection(atFrame: frame)] }
        let output = plans(for: frames)
        let id = try #require(output[0].boxes.first?.trackID)
        for frame in missed {
            let planned = boxes(of: id, in: output[frame])
            #expect(planned.map(\.source) == [.filled])
            #expect(planned.first.map { $0.box.contains(object.box(atFrame: frame)) } == true)
            // Linear motion: the smoothed, interpolated box is the true box.
            #expect(planned.first.map { $0.box.iou(object.box(atFrame: frame)) > 0.99 } == true)
        }
    }

    @Test func aLostTrackThatNeverReturnsFollowsItsPrediction() {
        let object = MovingObject(start: Point(x: 0, y: 0), velocity: Point(x: 4, y: 0))
        let maxLostFrames = 6
        let configuration = LookAheadConfiguration(tracker: TrackerConfiguration(maxLostFrames: maxLostFrames))
        let frames = (0..<40).map { frame in frame < 20 ? [object.detection(atFrame: frame)] : [] }
        let output = plans(for: frames, configuration: configuration)
        var previousArea = 0.0
        for frame in 20..<(20 + maxLostFrames) {
            #expect(output[frame].boxes.map(\.source) == [.predicted])
            let box = output[frame].boxes.first?.box ?? Box(x: 0, y: 0, width: 0, height: 0)
            #expect(box.contains(object.box(atFrame: frame)))
            #expect(box.area >= previousArea)
            previousArea = box.area
        }
        #expect(output[(20 + maxLostFrames)...].allSatisfy { $0.boxes.isEmpty })
    }

    @Test func aSingleHighScoreDetectionIsMaskedOnItsFrameOnly() {
        let frames = (0..<15).map { frame in frame == 7 ? [detection(x: 10, y: 10, score: 0.6)] : [] }
        let output = plans(for: frames)
        #expect(output[7].boxes.map(\.source) == [.detected])
        #expect(output[7].boxes.first?.box == Box(x: 10, y: 10, width: 40, height: 40))
        #expect(output.filter { !$0.boxes.isEmpty }.map(\.frameIndex) == [7])
    }

    @Test(arguments: [(0.35, true), (0.29, false), (0.05, false)])
    func unclaimedLowScoreDetections(score: Double, isMasked: Bool) {
        let output = plans(for: [[detection(x: 10, y: 10, score: score)]])
        #expect(output[0].boxes.isEmpty == !isMasked)
        if isMasked {
            #expect(output[0].boxes.first?.trackID == nil)
        }
    }

    /// A detector that misses a random 30 % of frames, with and without box jitter.
    func flakyDetections(
        of objects: [MovingObject],
        frameCount: Int,
        jitter: Double,
        seed: UInt64
    ) -> [[Detection]] {
        var generator = SplitMix64(seed: seed)
        return (0..<frameCount).map { frame in
            objects.compactMap { object in
                guard Double.random(in: 0..<1, using: &generator) >= 0.3 else { return nil }
                var found = object.detection(atFrame: frame, score: Double.random(in: 0.55...0.99, using: &generator))
                if jitter > 0 {
                    found.box.x += Double.random(in: -jitter...jitter, using: &generator)
                    found.box.y += Double.random(in: -jitter...jitter, using: &generator)
                    found.box.width += Double.random(in: -jitter...jitter, using: &generator)
                    found.box.height += Double.random(in: -jitter...jitter, using: &generator)
                }
                return found
            }
        }
    }

    static let movingObjects = [
        MovingObject(start: Point(x: 20, y: 30), velocity: Point(x: 3, y: 1.5)),
        MovingObject(objectClass: .plate, start: Point(x: 900, y: 600), velocity: Point(x: -2, y: -1), size: 30),
        MovingObject(start: Point(x: 400, y: 50), velocity: Point(x: 0.5, y: 2.5), size: 80),
    ]

    @Test(arguments: [1, 2, 3] as [UInt64])
    func nothingSlipsThroughWhenTheDetectorMissesThirtyPercent(seed: UInt64) {
        let frameCount = 300
        let frames = flakyDetections(of: Self.movingObjects, frameCount: frameCount, jitter: 0, seed: seed)
        let output = plans(for: frames)
        #expect(output.count == frameCount)
        for plan in output {
            for object in Self.movingObjects {
                let truth = object.box(atFrame: plan.frameIndex)
                let isCovered = plan.boxes.contains { $0.objectClass == object.objectClass && $0.box.contains(truth) }
                #expect(isCovered, "frame \(plan.frameIndex): \(object.objectClass) at \(truth) not covered")
            }
        }
    }

    @Test(arguments: [4, 5, 6] as [UInt64])
    func maskBoxesContainTheFramesDetections(seed: UInt64) {
        let frames = flakyDetections(of: Self.movingObjects, frameCount: 300, jitter: 3, seed: seed)
        let output = plans(for: frames)
        for (plan, detections) in zip(output, frames) {
            for found in detections {
                #expect(plan.boxes.contains { $0.objectClass == found.objectClass && $0.box.contains(found.box) })
            }
        }
    }

    @Test func smoothingSteadiesJitteringBoxes() {
        let object = MovingObject(start: Point(x: 100, y: 100), velocity: Point(x: 2, y: 1))
        let frames = flakyDetections(of: [object], frameCount: 200, jitter: 4, seed: 11)
        let output = plans(for: frames)
        // Compare only runs of three detected frames, so that raw and planned see the same frames.
        let runs = (1..<199).filter { !frames[$0 - 1].isEmpty && !frames[$0].isEmpty && !frames[$0 + 1].isEmpty }
        #expect(runs.count > 40)
        /// The absolute second difference of the centre at a frame: zero for steady motion.
        func jitter(at frame: Int, centerX: (Int) -> Double) -> Double {
            let previous = centerX(frame - 1)
            let current = centerX(frame)
            let next = centerX(frame + 1)
            return abs(next - 2 * current + previous)
        }
        var rawJitter = 0.0
        var plannedJitter = 0.0
        for frame in runs {
            rawJitter += jitter(at: frame) { frames[$0][0].box.center.x }
            plannedJitter += jitter(at: frame) { output[$0].boxes.first?.box.center.x ?? 0 }
        }
        #expect(plannedJitter < 0.7 * rawJitter)
    }

    @Test func memoryIsBoundedByTheWindow() {
        let configuration = LookAheadConfiguration()
        var planner = LookAheadPlanner(configuration: configuration)
        var generator = SplitMix64(seed: 99)
        var planCount = 0
        for frame in 0..<10_000 {
            // Objects come and go: a new walker every 200 frames, crossing in 150.
            let walker = frame / 200
            let object = MovingObject(start: Point(x: Double(walker * 7 % 500), y: 0), velocity: Point(x: 0, y: 4))
            var detections: [Detection] = []
            if frame % 200 < 150, Double.random(in: 0..<1, using: &generator) >= 0.3 {
                detections.append(object.detection(atFrame: frame % 200))
            }
            planCount += planner.push(detections).count
            #expect(planner.pendingFrameCount <= configuration.lookAheadFrames)
            #expect(planner.retainedFrameCount <= planner.maximumRetainedFrameCount)
            #expect(planner.rememberedTrackCount <= 4)
        }
        planCount += planner.finish().count
        #expect(planCount == 10_000)
        #expect(planner.retainedFrameCount <= configuration.smoothingRadius)
    }

    @Test func configurationValidation() throws {
        try LookAheadConfiguration().validate()
        #expect(throws: TrackingError.self) { try LookAheadConfiguration(lookAheadFrames: -1).validate() }
        #expect(throws: TrackingError.self) { try LookAheadConfiguration(lostBoxGrowthPerFrame: .nan).validate() }
        #expect(throws: TrackingError.self) {
            try LookAheadConfiguration(tracker: TrackerConfiguration(maxLostFrames: -1)).validate()
        }
        let doubled = LookAheadConfiguration().scaled(toFramesPerSecond: 60)
        #expect(doubled.lookAheadFrames == 60)
        #expect(doubled.tracker.maxLostFrames == 60)
    }
}
