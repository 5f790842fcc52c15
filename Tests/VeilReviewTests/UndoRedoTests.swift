import Foundation
import Testing
import VeilGeometry
import VeilReview

/// Undo appends the inverse and restores the document exactly; redo applies the decision again.
@Suite struct UndoRedoTests {
    static let operations: [EditOperation] = [
        .keepVisible(track: 1, reason: "consented"),
        .split(track: 1, frame: 25, newTrack: 4),
        .deleteBoxes(track: 2, frame: 60, toward: .end),
        .deleteBoxes(track: 2, frame: 79, toward: .start),
        .moveBox(track: 1, frame: 15, box: Box(x: 30, y: 5, width: 30, height: 30)),
        .moveBox(track: 1, frame: 70, box: Box(x: 30, y: 5, width: 30, height: 30)),
        .addRegion(Fixtures.region()),
        .setTrackReviewed(track: 3, isReviewed: true),
        .setVideoReviewed(true),
    ]

    @Test(arguments: operations)
    func undoRestoresAndRedoReapplies(operation: EditOperation) throws {
        var session = try Fixtures.session()
        let before = session.document
        try session.perform(operation, by: "Ana", at: Fixtures.date)
        let after = session.document
        #expect(after != before)
        let undo = try session.undo(by: "Ana", at: Fixtures.date)
        #expect(session.document == before)
        #expect(undo.action == .undo && undo.target == 1)
        let redo = try session.redo(by: "Ana", at: Fixtures.date)
        #expect(session.document == after)
        #expect(redo.action == .redo && redo.target == 1 && redo.what == operation)
        #expect(session.entries.map(\.seq) == [1, 2, 3])
    }

    @Test func mergeAndRegionEditsUndo() throws {
        var session = try Fixtures.session()
        let start = session.document
        try session.perform(.deleteBoxes(track: 2, frame: 49, toward: .start), by: "Ana")
        try session.perform(.merge(track: 1, into: 2), by: "Ana")
        try session.perform(.addRegion(Fixtures.region()), by: "Ana")
        try session.perform(
            .setRegionKeyframe(region: 1, frame: 20, box: Box(x: 1, y: 1, width: 5, height: 5)), by: "Ana")
        try session.perform(.removeRegion(id: 1), by: "Ana")
        for _ in 0..<5 { try session.undo(by: "Ana") }
        #expect(session.document == start)
        #expect(!session.canUndo)
        #expect(throws: ReviewError.nothingToUndo) { try session.undo(by: "Ana") }
        for _ in 0..<5 { try session.redo(by: "Ana") }
        #expect(session.document.regions.isEmpty)
        #expect(session.document.track(1) == nil)
        #expect(!session.canRedo)
    }

    @Test func aNewDecisionClearsRedo() throws {
        var session = try Fixtures.session()
        try session.perform(.mask(track: 1), by: "Ana")
        try session.undo(by: "Ana")
        #expect(session.canRedo)
        try session.perform(.setTrackReviewed(track: 1, isReviewed: true), by: "Ana")
        #expect(!session.canRedo)
        #expect(throws: ReviewError.nothingToRedo) { try session.redo(by: "Ana") }
    }

    @Test func aRefusedOperationLogsNothing() throws {
        var session = try Fixtures.session()
        #expect(throws: ReviewError.mergeWithItself(3)) { try session.perform(.merge(track: 3, into: 3), by: "Ana") }
        #expect(throws: ReviewError.reviewerRequired) { try session.perform(.mask(track: 1), by: " ") }
        #expect(session.entries.isEmpty)
        #expect(session.document == (try Fixtures.document()))
    }

    @Test func wholeTracksComeBackOnlyThroughUndo() throws {
        var session = try Fixtures.session()
        let snapshot = TrackSnapshot(track: try #require(session.document.track(1)), state: TrackState())
        var injected = snapshot
        injected.track.id = 9
        #expect(throws: ReviewError.malformedEntry("restoreTracks is written by undo only, not as a decision")) {
            try session.perform(.restoreTracks(remove: [], tracks: [injected]), by: "Ana")
        }
        #expect(session.entries.isEmpty)
    }

    @Test func newIDsNeverReuseOnesTheLogUsed() throws {
        var session = try Fixtures.session()
        #expect(session.nextTrackID == 4)
        try session.perform(.split(track: 1, frame: 25, newTrack: session.nextTrackID), by: "Ana")
        try session.undo(by: "Ana")
        #expect(session.document.track(4) == nil)
        #expect(session.nextTrackID == 5)
        try session.perform(.addRegion(Fixtures.region(id: session.nextRegionID)), by: "Ana")
        try session.undo(by: "Ana")
        #expect(session.nextRegionID == 2)
    }
}
