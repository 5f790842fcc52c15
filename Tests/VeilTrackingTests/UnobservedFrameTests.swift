import Testing
import VeilGeometry
import VeilTracking

/// Frames the detector skipped (detection stride) are not misses.
@Suite struct UnobservedFrameTests {
    static func face(x: Double) -> Detection {
        Detection(objectClass: .face, box: Box(x: x, y: 50, width: 40, height: 40), score: 0.9)
    }

    @Test func tentativeTrackSurvivesSkippedFramesAndConfirms() {
        var tracker = Tracker()
        let first = tracker.update(detections: [Self.face(x: 100)])
        #expect(first.first?.state == .tentative)
        let skipped = tracker.predictWithoutObservation()
        #expect(skipped.count == 1, "a skipped frame must not drop a tentative track")
        let second = tracker.update(detections: [Self.face(x: 104)])
        #expect(second.first?.id == first.first?.id)
        #expect(second.first?.isConfirmed == true)
    }

    @Test func plannerCoversSkippedFrames() {
        var planner = LookAheadPlanner()
        var plans: [FramePlan] = []
        for frame in 0..<40 {
            plans += frame % 3 == 0 ? planner.push([Self.face(x: 100 + Double(frame) * 2)]) : planner.pushUnobserved()
        }
        plans += planner.finish()
        #expect(plans.count == 40)
        #expect(plans.allSatisfy { !$0.boxes.isEmpty })
        // A skipped frame between two detections is interpolated, not just predicted.
        #expect(plans[4].boxes.contains { $0.source == .filled })
    }
}
