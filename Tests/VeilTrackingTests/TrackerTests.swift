import Testing
import VeilGeometry
import VeilTestSupport
import VeilTracking

@Suite struct TrackerTests {
    /// The ID of the track that claimed the detection at `index` in each frame.
    func idsOfDetection(at index: Int, in reports: [[TrackedObject]]) -> [TrackID?] {
        reports.map { objects in objects.first { $0.detectionIndex == index }?.id }
    }

    @Test(arguments: [2.0, 6.0, 12.0])
    func crossingObjectsKeepTheirIDs(speed: Double) {
        let left = MovingObject(start: Point(x: 0, y: 100), velocity: Point(x: speed, y: 0), size: 60)
        let right = MovingObject(start: Point(x: 60 * speed, y: 120), velocity: Point(x: -speed, y: 0), size: 60)
        var tracker = Tracker()
        let reports = (0..<120).map { frame in
            tracker.update(detections: [left.detection(atFrame: frame), right.detection(atFrame: frame)])
        }
        let leftIDs = Set(idsOfDetection(at: 0, in: reports))
        let rightIDs = Set(idsOfDetection(at: 1, in: reports))
        #expect(leftIDs.count == 1)
        #expect(rightIDs.count == 1)
        #expect(leftIDs.isDisjoint(with: rightIDs))
        #expect(!leftIDs.contains(nil))
        #expect(reports.last?.allSatisfy { $0.state == .tracked } == true)
    }

    @Test func lowScoreDetectionsKeepATrackMatched() {
        let object = MovingObject(start: Point(x: 0, y: 0), velocity: Point(x: 3, y: 1))
        var tracker = Tracker()
        var reports: [[TrackedObject]] = []
        for frame in 0..<30 {
            let score = (10..<20).contains(frame) ? 0.3 : 0.9
            reports.append(tracker.update(detections: [object.detection(atFrame: frame, score: score)]))
        }
        #expect(Set(idsOfDetection(at: 0, in: reports)) == [TrackID(1)])
        for frame in 10..<20 {
            #expect(reports[frame].map(\.state) == [.tracked])
            #expect(reports[frame].first?.detection?.score == 0.3)
        }
    }

    @Test func lowScoreDetectionsNeverStartTracks() {
        var tracker = Tracker()
        for _ in 0..<5 {
            #expect(tracker.update(detections: [detection(x: 0, y: 0, score: 0.3)]).isEmpty)
        }
        #expect(tracker.liveTrackCount == 0)
    }

    @Test func lowScoreDetectionsDoNotRevivePoorMatches() {
        var tracker = Tracker()
        _ = tracker.update(detections: [detection(x: 0, y: 0)])
        _ = tracker.update(detections: [detection(x: 0, y: 0)])
        // IoU 1/3 with the track: enough for a high score, not for a low one.
        let report = tracker.update(detections: [detection(x: 20, y: 0, score: 0.3)])
        #expect(report.map(\.state) == [.lost])
    }

    @Test(arguments: [0, 1, 5, 30])
    func lostTracksExpireAfterMaxLostFrames(maxLostFrames: Int) {
        let object = MovingObject(start: Point(x: 0, y: 0), velocity: Point(x: 2, y: 0))
        var tracker = Tracker(configuration: TrackerConfiguration(maxLostFrames: maxLostFrames))
        for frame in 0..<10 {
            _ = tracker.update(detections: [object.detection(atFrame: frame)])
        }
        for lostFrame in 1...maxLostFrames + 1 {
            let report = tracker.update(detections: [])
            if lostFrame <= maxLostFrames {
                #expect(report.map(\.state) == [.lost])
                #expect(report.first?.framesSinceDetection == lostFrame)
                // The lost box follows the prediction.
                let truth = object.box(atFrame: 9 + lostFrame)
                #expect(report.first.map { $0.box.iou(truth) > 0.8 } == true)
            } else {
                #expect(report.isEmpty)
            }
        }
        #expect(tracker.liveTrackCount == 0)
    }

    @Test func lostTrackIsRefoundWithItsID() {
        let object = MovingObject(start: Point(x: 0, y: 0), velocity: Point(x: 4, y: 2))
        var tracker = Tracker()
        var reports: [[TrackedObject]] = []
        for frame in 0..<40 {
            let detections = (15..<25).contains(frame) ? [] : [object.detection(atFrame: frame)]
            reports.append(tracker.update(detections: detections))
        }
        #expect(Set(reports.flatMap { $0.map(\.id) }) == [TrackID(1)])
        #expect(reports[39].map(\.state) == [.tracked])
    }

    @Test func tentativeTrackThatMissesIsDropped() {
        var tracker = Tracker()
        let first = tracker.update(detections: [detection(x: 0, y: 0)])
        #expect(first.map(\.state) == [.tentative])
        #expect(tracker.update(detections: []).isEmpty)
        let second = tracker.update(detections: [detection(x: 0, y: 0)])
        #expect(second.map(\.id) == [TrackID(2)])
    }

    @Test func aPlateNeverContinuesAFaceTrack() {
        var tracker = Tracker()
        for _ in 0..<5 {
            _ = tracker.update(detections: [detection(.face, x: 0, y: 0)])
        }
        let report = tracker.update(detections: [detection(.plate, x: 0, y: 0)])
        let face = report.first { $0.objectClass == .face }
        let plate = report.first { $0.objectClass == .plate }
        #expect(face?.state == .lost)
        #expect(plate?.state == .tentative)
        #expect(face?.id != plate?.id)
    }

    @Test func overlappingFaceAndPlateKeepSeparateTracks() {
        var tracker = Tracker()
        var reports: [[TrackedObject]] = []
        for frame in 0..<20 {
            let shift = Double(frame)
            // Listed in alternating order, so matching cannot rely on position in the array.
            let face = detection(.face, x: shift, y: 0)
            let plate = detection(.plate, x: shift + 2, y: 2)
            reports.append(tracker.update(detections: frame.isMultiple(of: 2) ? [face, plate] : [plate, face]))
        }
        for objectClass in ObjectClass.allCases {
            let ids = Set(reports.flatMap { $0.filter { $0.objectClass == objectClass }.map(\.id) })
            #expect(ids.count == 1)
        }
        #expect(reports.last?.allSatisfy { $0.state == .tracked } == true)
    }

    @Test func idsAreLocalToTheTrackerValue() {
        var first = Tracker()
        _ = first.update(detections: [detection(x: 0, y: 0)])
        var second = first
        let a = first.update(detections: [detection(x: 500, y: 500)])
        let b = second.update(detections: [detection(x: 500, y: 500)])
        #expect(a.map(\.id) == b.map(\.id))
        var fresh = Tracker()
        #expect(fresh.update(detections: [detection(x: 0, y: 0)]).map(\.id) == [TrackID(1)])
    }

    @Test func everyHighScoreDetectionIsReported() {
        var generator = SplitMix64(seed: 7)
        var tracker = Tracker()
        for _ in 0..<200 {
            let detections = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                detection(
                    x: Double.random(in: 0...300, using: &generator),
                    y: Double.random(in: 0...300, using: &generator),
                    score: Double.random(in: 0...1, using: &generator)
                )
            }
            let claimed = Set(tracker.update(detections: detections).compactMap(\.detectionIndex))
            for (index, candidate) in detections.enumerated() where candidate.score >= 0.5 {
                #expect(claimed.contains(index))
            }
        }
    }

    @Test func configurationValidation() throws {
        try TrackerConfiguration().validate()
        #expect(throws: TrackingError.self) {
            try TrackerConfiguration(highThreshold: 0.2, lowThreshold: 0.4).validate()
        }
        #expect(throws: TrackingError.self) { try TrackerConfiguration(confirmationHits: 0).validate() }
        #expect(throws: TrackingError.self) { try TrackerConfiguration(highMatchMinimumIoU: 1.5).validate() }
        #expect(TrackerConfiguration().scaled(toFramesPerSecond: 60).maxLostFrames == 60)
    }
}
