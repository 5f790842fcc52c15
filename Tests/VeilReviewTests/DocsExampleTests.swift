import Foundation
import Testing
import VeilMedia
import VeilPipeline
import VeilReview

/// The library example in docs/REVIEW.md, verbatim except for the paths (its last line, the
/// compile, is checked below: it throws while tracks are unreviewed), so
/// the documentation cannot drift from the API.
@Suite struct DocsExampleTests {
    @Test func reviewExampleRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("review-docs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tracksURL = directory.appendingPathComponent("clip.tracks.json")
        try Fixtures.tracksFile().jsonData().write(to: tracksURL)

        // --- docs/REVIEW.md ---
        let tracks = try TracksFile.load(from: tracksURL)
        var session = ReviewSession(
            document: try ReviewDocument(tracksFile: tracks),
            mediaSHA256: tracks.media.sha256,
            tracksSHA256: try SHA256.hex(ofFileAt: tracksURL))
        let entry = try session.perform(
            .keepVisible(track: 3, reason: "consented"),
            by: "Ana", because: "consent form 12")
        try EditLog.append([entry], to: EditLog.url(forTracksFile: tracksURL))
        // --- end ---

        #expect(throws: ReviewError.unreviewedTracks([1, 2, 3])) { try session.compile() }
        let log = try EditLog.load(from: directory.appendingPathComponent("clip.edits.jsonl"))
        #expect(log == [entry])
    }
}
