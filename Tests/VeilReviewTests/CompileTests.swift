import Foundation
import Testing
import VeilGeometry
import VeilPipeline
import VeilReview
import VeilTracking

/// A review compiles into render's inputs: plans, excluded tracks, masks per frame.
@Suite struct CompileTests {
    @Test func exportIsRefusedWhileATrackIsUnreviewed() throws {
        var session = try Fixtures.session()
        try session.perform(.setTrackReviewed(track: 1, isReviewed: true), by: "Ana")
        #expect(throws: ReviewError.unreviewedTracks([2, 3])) { try session.compile() }
        let allowed = try session.compile(allowingUnreviewed: true)
        #expect(allowed.unreviewedTrackIDs == [2, 3])
        #expect(allowed.isUnreviewedExport)
        try session.perform(.setVideoReviewed(true), by: "Ana")
        let signedOff = try session.compile()
        #expect(!signedOff.isUnreviewedExport)
        #expect(signedOff.isVideoReviewed)
    }

    @Test func decisionsBecomeRenderInputs() throws {
        var session = try EditLogTests.reviewed()
        let compiled = try session.compile()
        #expect(compiled.excludedTrackIDs == [1])
        #expect(compiled.visibleTracks == [.init(track: 1, reason: "consented")])
        #expect(compiled.regionLabels == ["name badge"])
        // The split track renders under both IDs; the moved plate box is in the plans.
        #expect(compiled.plansByFrame[59]?.boxes.map { $0.trackID?.rawValue } == [2])
        #expect(compiled.plansByFrame[60]?.boxes.compactMap { $0.trackID?.rawValue }.sorted() == [3, 4])
        let plate = compiled.plansByFrame[65]?.boxes.first { $0.trackID?.rawValue == 3 }
        #expect(plate?.box == Box(x: 70, y: 25, width: 30, height: 12))
        // The region is masked on exactly its span, a polygon each time.
        #expect(compiled.masksByFrame.keys.sorted() == Array(10...30))
        #expect(compiled.masksByFrame[20]?.first?.shape == .polygon)
        #expect(compiled.decisions.map(\.seq) == Array(1...7))
        #expect(compiled.decisions[0].what == "keep track 1 visible (consented)")
        #expect(compiled.decisions[0].why == "consent form 12")
        #expect(compiled.decisions[3].action == .undo)
        // Deleted boxes are not rendered at all.
        try session.perform(.deleteBoxes(track: 3, frame: 90, toward: .end), by: "Ana")
        let trimmed = try session.compile()
        #expect(trimmed.plansByFrame[95] == nil)
        #expect(trimmed.plansByFrame[89]?.boxes.count == 1)
    }

    @Test func anUntouchedReviewRendersTheTracksFileAsIs() throws {
        var session = try Fixtures.session()
        try session.perform(.setVideoReviewed(true), by: "Ana")
        let compiled = try session.compile()
        #expect(compiled.plansByFrame == Fixtures.tracksFile().plansByFrame)
        #expect(compiled.excludedTrackIDs.isEmpty)
        #expect(compiled.masksByFrame.isEmpty)
    }

    @Test func anOpenEndedRegionRunsToTheLastFrame() throws {
        var session = try Fixtures.session()
        try session.perform(.addRegion(Fixtures.region(last: nil)), by: "Ana")
        let compiled = try session.compile(allowingUnreviewed: true)
        #expect(compiled.masksByFrame.keys.sorted() == Array(10..<100))
        #expect(compiled.masksByFrame[99]?.first?.box == Box(x: 140, y: 120, width: 80, height: 40))
    }

    @Test func theDocumentEncodesForAPage() throws {
        var session = try EditLogTests.reviewed()
        try session.perform(.setTrackReviewed(track: 2, isReviewed: true), by: "Ana")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(session.document)) as? [String: Any]
        let states = json?["states"] as? [String: Any]
        #expect((states?["1"] as? [String: Any])?["visibleReason"] as? String == "consented")
        #expect((states?["2"] as? [String: Any])?["isReviewed"] as? Bool == true)
        #expect((json?["regions"] as? [Any])?.count == 1)
        #expect(json?["isVideoReviewed"] as? Bool == true)
        #expect(((json?["tracksFile"] as? [String: Any])?["tracks"] as? [Any])?.count == 4)
    }
}
