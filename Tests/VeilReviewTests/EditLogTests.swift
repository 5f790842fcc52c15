import Foundation
import Testing
import VeilGeometry
import VeilReview
import VeilTestSupport

/// The decision log: written, read back and replayed to the same review; refused for other
/// files; untrusted lines give their number and never crash.
@Suite struct EditLogTests {
    /// A review with every kind of entry: decisions, an undo and a redo.
    static func reviewed() throws -> ReviewSession {
        var session = try Fixtures.session()
        let date = Fixtures.date
        try session.perform(
            .keepVisible(track: 1, reason: "consented"), by: "Ana", because: "consent form 12", at: date)
        try session.perform(.split(track: 2, frame: 60, newTrack: 4), by: "Ana", because: "two people", at: date)
        try session.perform(
            .moveBox(track: 3, frame: 65, box: Box(x: 70, y: 25, width: 30, height: 12)), by: "Ana", at: date)
        try session.undo(by: "Ana", because: "wrong plate", at: date)
        try session.redo(by: "Ben", at: date)
        try session.perform(.addRegion(Fixtures.region(shape: .polygon)), by: "Ben", because: "badge", at: date)
        try session.perform(.setVideoReviewed(true), by: "Ben", at: date)
        return session
    }

    @Test func roundTripAndReplayGiveTheSameReview() throws {
        let session = try Self.reviewed()
        let data = EditLog.data(for: session.entries)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.split(separator: "\n").count == session.entries.count)
        #expect(text.contains(#""when":"2027-01-15T08:00:00Z""#))
        #expect(text.contains(#""what":{"op":"keepVisible","reason":"consented","track":1}"#))
        let entries = try EditLog.parse(data)
        #expect(entries == session.entries)
        let replayed = try ReviewSession.replay(
            entries, onto: try Fixtures.document(), mediaSHA256: Fixtures.mediaSHA256,
            tracksSHA256: Fixtures.tracksSHA256)
        #expect(replayed.document == session.document)
        #expect(replayed.canUndo == session.canUndo)
        #expect(replayed.entries == session.entries)
    }

    @Test func appendNeverRewrites() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID()).edits.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let session = try Self.reviewed()
        try EditLog.append(Array(session.entries.prefix(3)), to: url)
        let head = try Data(contentsOf: url)
        try EditLog.append(Array(session.entries.dropFirst(3)), to: url)
        let whole = try Data(contentsOf: url)
        #expect(whole.prefix(head.count) == head)
        #expect(try EditLog.load(from: url) == session.entries)
        #expect(
            EditLog.url(forTracksFile: URL(fileURLWithPath: "/v/clip.tracks.json")).path == "/v/clip.edits.jsonl")
    }

    @Test func aLogForOtherFilesIsRefused() throws {
        let entries = try Self.reviewed().entries
        let other = String(repeating: "c", count: 64)
        #expect {
            try ReviewSession.replay(
                entries, onto: try Fixtures.document(), mediaSHA256: other, tracksSHA256: Fixtures.tracksSHA256)
        } throws: { error in
            error as? ReviewError
                == .line(1, .hashMismatch(of: "media", recorded: Fixtures.mediaSHA256, actual: other))
                && "\(error)".contains("the log belongs to other files")
        }
        #expect {
            try ReviewSession.replay(
                entries, onto: try Fixtures.document(), mediaSHA256: Fixtures.mediaSHA256, tracksSHA256: other)
        } throws: { error in
            "\(error)".hasPrefix("line 1: recorded for tracks file sha256 bbbbbbbbbbbb…")
        }
    }

    static let good = String(decoding: EditLog.line(for: try! reviewed().entries[0]), as: UTF8.self)
        .trimmingCharacters(in: .newlines)

    static func replacing(_ old: String, _ new: String) -> String { good.replacingOccurrences(of: old, with: new) }

    @Test(arguments: [
        ("not json", "line 1: not a JSON object"),
        ("[1, 2]", "line 1: not a JSON object"),
        (#"{"format": "veil-tracks", "version": 1}"#, "line 1: not a Veil edits entry (format is 'veil-tracks')"),
        (replacing(#""version":1"#, #""version":2"#), "line 1: version 2 is not supported"),
        (replacing(#""who":"Ana""#, #""who":"""#), "line 1: every decision needs the reviewer's name"),
        (replacing(#""who":"Ana","#, ""), "line 1: missing 'who'"),
        (replacing(#""who":"Ana""#, "\"who\":\"\(String(repeating: "x", count: 201))\""), "line 1: 'who' is longer"),
        (replacing("2027-01-15T08:00:00Z", "yesterday"), "line 1: 'when' is not an ISO 8601 date-time"),
        (replacing(Fixtures.mediaSHA256, "abc"), "line 1: 'mediaSHA256' is not a SHA-256"),
        (replacing(#""op":"keepVisible""#, #""op":"explode""#), "line 1: unknown operation 'explode'"),
        (replacing(#""track":1"#, #""track":"one""#), "line 1: wrong type at .what.track"),
        (replacing(#""track":1"#, #""track":1e400"#), "line 1:"),
        (replacing(#""seq":1"#, #""seq":2"#), "line 1: entry is numbered 2 where 1 was expected"),
        (replacing(#""action":"do""#, #""action":"undo""#), "line 1: an 'undo' entry needs a target"),
        (String(repeating: "[", count: 100_000), "line 1: not a JSON object"),
        ("   ", "line 1: empty line"),
    ])
    func malformedLinesNameTheirLine(line: String, message: String) throws {
        #expect {
            try EditLog.parse(Data((line + "\n").utf8))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func errorsNameTheRightLine() throws {
        let entries = try Self.reviewed().entries
        var lines = EditLog.data(for: entries).split(separator: 0x0A).map { Data($0) }
        lines[4] = Data([0xFF, 0xFE, 0x7B])
        #expect(throws: ReviewError.line(5, .malformedEntry("not UTF-8 text"))) {
            try EditLog.parse(Data(lines.joined(separator: [0x0A])) + Data([0x0A]))
        }
        // A cut-off last line says so.
        let whole = EditLog.data(for: entries)
        #expect {
            try EditLog.parse(whole.dropLast(20))
        } throws: { "\($0)".contains("line 7:") && "\($0)".contains("cut off") }
        // A reordered log fails at the first line out of place.
        let reordered = Data([lines[1], lines[0]].joined(separator: [0x0A]))
        #expect { try EditLog.parse(reordered) } throws: { "\($0)".hasPrefix("line 1: entry is numbered 2") }
        #expect(try EditLog.parse(Data()).isEmpty)
    }

    @Test func anAlteredUndoIsRefused() throws {
        var entries = try Self.reviewed().entries
        entries[3].what = .mask(track: 3)
        #expect {
            try ReviewSession.replay(
                entries, onto: try Fixtures.document(), mediaSHA256: Fixtures.mediaSHA256,
                tracksSHA256: Fixtures.tracksSHA256)
        } throws: { "\($0)".hasPrefix("line 4: this undo does not revert entry 3") }
        // A decision that no longer applies names its line too.
        entries = try Self.reviewed().entries
        entries[1].what = .split(track: 9, frame: 60, newTrack: 4)
        #expect(throws: ReviewError.line(2, .noSuchTrack(9))) {
            try ReviewSession.replay(
                EditLog.parse(EditLog.data(for: entries)), onto: try Fixtures.document(),
                mediaSHA256: Fixtures.mediaSHA256, tracksSHA256: Fixtures.tracksSHA256)
        }
    }

    /// Random damage to a valid log: every outcome is a parsed log or a ReviewError, never a crash.
    @Test func damagedLogsNeverCrash() throws {
        let data = EditLog.data(for: try Self.reviewed().entries)
        var random = SplitMix64(seed: 13)
        var refused = 0
        for _ in 0..<300 {
            var damaged = [UInt8](data)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<damaged.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: damaged[index] = UInt8.random(in: 0...255, using: &random)
                case 1: damaged.remove(at: index)
                default: damaged.insert(Array("{}[]\",:0-9e\n".utf8).randomElement(using: &random)!, at: index)
                }
            }
            do {
                let entries = try EditLog.parse(Data(damaged))
                _ = try ReviewSession.replay(
                    entries, onto: try Fixtures.document(), mediaSHA256: Fixtures.mediaSHA256,
                    tracksSHA256: Fixtures.tracksSHA256
                ).compile(allowingUnreviewed: true)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 250)
    }
}
