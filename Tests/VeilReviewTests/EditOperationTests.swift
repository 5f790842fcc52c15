import Testing
import VeilGeometry
import VeilPipeline
import VeilReview

/// Every operation: what it changes, the invariants it keeps, and what it refuses.
@Suite struct EditOperationTests {
    @Test func keepVisibleNeedsAReasonAndMaskUndoesIt() throws {
        var document = try Fixtures.document()
        #expect(throws: ReviewError.reasonRequired("keeping track 1 visible")) {
            try document.apply(.keepVisible(track: 1, reason: "  "))
        }
        #expect { try document.apply(.keepVisible(track: 1, reason: String(repeating: "x", count: 501))) } throws: {
            "\($0)".contains("longer than 500 characters")
        }
        let inverse = try document.apply(.keepVisible(track: 1, reason: "consented"))
        #expect(document.states[1]?.visibleReason == "consented")
        #expect(inverse == .mask(track: 1))
        let back = try document.apply(.mask(track: 1))
        #expect(document.states[1]?.isVisible == false)
        #expect(back == .keepVisible(track: 1, reason: "consented"))
        #expect(throws: ReviewError.noSuchTrack(9)) { try document.apply(.mask(track: 9)) }
    }

    @Test(arguments: [1, 25, 49])
    func splitPartitionsTheFrames(at frame: Int) throws {
        var document = try Fixtures.document()
        try document.apply(.keepVisible(track: 1, reason: "consented"))
        let original = Fixtures.frames(document.track(1))
        try document.apply(.split(track: 1, frame: frame, newTrack: 7))
        let first = Fixtures.frames(document.track(1))
        let second = Fixtures.frames(document.track(7))
        #expect(first + second == original)
        #expect(first.allSatisfy { $0 < frame })
        #expect(second.allSatisfy { $0 >= frame })
        #expect(document.states[7]?.visibleReason == "consented")
        #expect(document.tracksFile.tracks.map(\.id) == [1, 2, 3, 7])
    }

    @Test func splitRefusesEmptyPartsAndTakenIDs() throws {
        var document = try Fixtures.document()
        #expect(throws: ReviewError.splitLeavesEmptyTrack(track: 1, frame: 0)) {
            try document.apply(.split(track: 1, frame: 0, newTrack: 7))
        }
        #expect(throws: ReviewError.splitLeavesEmptyTrack(track: 1, frame: 60)) {
            try document.apply(.split(track: 1, frame: 60, newTrack: 7))
        }
        #expect(throws: ReviewError.trackExists(2)) { try document.apply(.split(track: 1, frame: 5, newTrack: 2)) }
        #expect(throws: ReviewError.identifierOutOfRange(-1)) {
            try document.apply(.split(track: 1, frame: 5, newTrack: -1))
        }
        #expect(throws: ReviewError.frameOutOfRange(frame: 100, frames: 100)) {
            try document.apply(.split(track: 1, frame: 100, newTrack: 7))
        }
        #expect(document == (try Fixtures.document()))
    }

    @Test func mergeJoinsDisjointTracksAndFailsClosed() throws {
        var document = try Fixtures.document()
        try document.apply(.deleteBoxes(track: 2, frame: 50, toward: .start))
        try document.apply(.keepVisible(track: 2, reason: "consented"))
        try document.apply(.setTrackReviewed(track: 2, isReviewed: true))
        let expected = Fixtures.frames(document.track(1)) + Fixtures.frames(document.track(2))
        try document.apply(.merge(track: 1, into: 2))
        #expect(document.track(1) == nil)
        #expect(Fixtures.frames(document.track(2)) == expected)
        // Track 1 was masked and unreviewed: the merged track is too.
        #expect(document.states[2]?.isVisible == false)
        #expect(document.states[2]?.isReviewed == false)
    }

    @Test func mergeRefusesOverlapsClassesAndItself() throws {
        var document = try Fixtures.document()
        #expect(throws: ReviewError.overlappingFrames(track: 1, into: 2, frames: Array(40..<50))) {
            try document.apply(.merge(track: 1, into: 2))
        }
        #expect(throws: ReviewError.classMismatch(track: 2, into: 3)) { try document.apply(.merge(track: 2, into: 3)) }
        #expect(throws: ReviewError.mergeWithItself(1)) { try document.apply(.merge(track: 1, into: 1)) }
        #expect("\(ReviewError.overlappingFrames(track: 1, into: 2, frames: Array(40..<50)))".contains("and 5 more"))
    }

    @Test func deleteToStartAndToEndIncludeTheFrame() throws {
        var document = try Fixtures.document()
        try document.apply(.deleteBoxes(track: 1, frame: 20, toward: .start))
        #expect(Fixtures.frames(document.track(1)) == Array(21..<50))
        try document.apply(.deleteBoxes(track: 1, frame: 30, toward: .end))
        #expect(Fixtures.frames(document.track(1)) == Array(21..<30))
        #expect(throws: ReviewError.nothingToDelete(track: 1, frame: 10)) {
            try document.apply(.deleteBoxes(track: 1, frame: 10, toward: .start))
        }
        // Deleting every box removes the track; its inverse brings it back.
        let inverse = try document.apply(.deleteBoxes(track: 1, frame: 0, toward: .end))
        #expect(document.track(1) == nil)
        #expect(document.states[1] == nil)
        try document.apply(inverse)
        #expect(Fixtures.frames(document.track(1)) == Array(21..<30))
    }

    @Test func regionsAreAddedChangedAndRemoved() throws {
        var document = try Fixtures.document()
        let region = Fixtures.region()
        #expect(try document.apply(.addRegion(region)) == .removeRegion(id: 1))
        #expect(throws: ReviewError.regionExists(1)) { try document.apply(.addRegion(region)) }
        let inverse = try document.apply(
            .setRegionKeyframe(region: 1, frame: 20, box: Box(x: 0, y: 0, width: 10, height: 10)))
        #expect(inverse == .updateRegion(region))
        #expect(document.regions.first?.keyframes.map(\.frame) == [10, 20, 30])
        #expect(throws: ReviewError.invalidRegion(id: 1, reason: "keyframe at frame 40 lies outside its span")) {
            try document.apply(.setRegionKeyframe(region: 1, frame: 40, box: Box(x: 0, y: 0, width: 10, height: 10)))
        }
        let current = try #require(document.regions.first)
        #expect(try document.apply(.removeRegion(id: 1)) == .addRegion(current))
        #expect(document.regions.isEmpty)
        #expect(throws: ReviewError.noSuchRegion(1)) { try document.apply(.removeRegion(id: 1)) }
    }

    @Test(arguments: [
        (
            ManualRegion(
                id: 1, label: "", shape: .box, firstFrame: 0, lastFrame: nil,
                keyframes: [
                    .init(frame: 0, box: Box(x: 0, y: 0, width: 1, height: 1))
                ]), "label"
        ),
        (ManualRegion(id: 1, label: "x", shape: .box, firstFrame: 0, lastFrame: nil, keyframes: []), "keyframe"),
        (
            ManualRegion(
                id: 1, label: "x", shape: .box, firstFrame: 5, lastFrame: 2,
                keyframes: [
                    .init(frame: 5, box: Box(x: 0, y: 0, width: 1, height: 1))
                ]), "before it starts"
        ),
        (
            ManualRegion(
                id: 1, label: "x", shape: .polygon, firstFrame: 0, lastFrame: nil,
                keyframes: [
                    .init(frame: 0, box: Box(x: 0, y: 0, width: 1, height: 1))
                ], points: [Point(x: 0, y: 0)]), "3…1000 points"
        ),
        (
            ManualRegion(
                id: 1, label: "x", shape: .ellipse, firstFrame: 0, lastFrame: nil,
                keyframes: [
                    .init(frame: 0, box: Box(x: 0, y: 0, width: 0, height: 1))
                ]), "positive"
        ),
        (
            ManualRegion(
                id: 1, label: "x", shape: .box, firstFrame: 0, lastFrame: 200,
                keyframes: [
                    .init(frame: 0, box: Box(x: 0, y: 0, width: 1, height: 1))
                ]), "outside the video"
        ),
    ])
    func invalidRegionsAreRefused(region: ManualRegion, message: String) throws {
        var document = try Fixtures.document()
        #expect {
            try document.apply(.addRegion(region))
        } throws: { error in
            "\(error)".contains(message)
        }
        #expect(document.regions.isEmpty)
    }

    @Test func reviewFlags() throws {
        var document = try Fixtures.document()
        #expect(document.unreviewedTrackIDs == [1, 2, 3])
        #expect(
            try document.apply(.setTrackReviewed(track: 2, isReviewed: true))
                == .setTrackReviewed(track: 2, isReviewed: false))
        #expect(document.unreviewedTrackIDs == [1, 3])
        #expect(try document.apply(.setVideoReviewed(true)) == .setVideoReviewed(false))
        #expect(document.unreviewedTrackIDs.isEmpty)
        // A track split off after the sign-off is covered by it.
        try document.apply(.split(track: 1, frame: 10, newTrack: 4))
        #expect(document.unreviewedTrackIDs.isEmpty)
    }

    @Test func badTracksFilesAreRefused() throws {
        var file = Fixtures.tracksFile()
        file.tracks[0].boxes.append(file.tracks[0].boxes[3])
        #expect(throws: ReviewError.invalidTracks("track 1 has two boxes on frame 3")) {
            try ReviewDocument(tracksFile: file)
        }
        file = Fixtures.tracksFile()
        file.tracks[1].id = 1
        #expect(throws: ReviewError.invalidTracks("track 1 appears twice")) { try ReviewDocument(tracksFile: file) }
        file = Fixtures.tracksFile()
        file.tracks[2].boxes[0].frame = 500
        #expect { try ReviewDocument(tracksFile: file) } throws: { "\($0)".contains("outside the video") }
        // Unsorted boxes are put in order.
        file = Fixtures.tracksFile()
        file.tracks[0].boxes.reverse()
        #expect(try ReviewDocument(tracksFile: file) == (try Fixtures.document()))
    }
}
