import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview
import VeilVideo

/// A review replayed without a browser: a decision log written with the library, rendered by
/// `veil render --edits`, checked pixel by pixel.
@Suite struct ReviewRenderTests {
    /// 25 frames of grey with three white 40 × 40 squares: A still at (20, 20), C still at
    /// (260, 20), B moving right 4 px a frame from (100, 120).
    static func clip(in root: URL) throws -> URL {
        let url = root.appendingPathComponent("clip.mp4")
        try CLITests.ffmpeg([
            "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x404040:size=320x240:rate=25:duration=1",
            "-f", "lavfi", "-i", "color=c=white:size=40x40:rate=25:duration=1", "-filter_complex",
            "[0:v][1:v]overlay=x=20:y=20[a];[a][1:v]overlay=x=260:y=20[c];[c][1:v]overlay=x='100+t*100':y=120[v]",
            "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p", url.path,
        ])
        return url
    }

    /// Tracks as `veil detect` would write them: A is track 1, C is track 2; B was missed.
    static func tracksFile(for clip: URL) throws -> TracksFile {
        let bytes = try FileManager.default.attributesOfItem(atPath: clip.path)[.size] as? Int ?? 0
        var file = TracksFile(
            media: TracksFile.Media(
                fileName: clip.lastPathComponent, sha256: try SHA256.hex(ofFileAt: clip), bytes: bytes, width: 320,
                height: 240, frames: 25, durationSeconds: 1),
            provenance: TracksFile.Provenance(
                tool: "test", models: [], threshold: 0.2, targets: [.face], detectionStride: 1,
                plateDetectionStride: 1, lookAheadSeconds: 1),
            plans: [])
        file.tracks = [(1, 20.0), (2, 260.0)].map { id, x in
            TracksFile.Track(
                id: id, objectClass: .face,
                boxes: (0..<25).map {
                    TracksFile.TrackBox(frame: $0, box: Box(x: x, y: 20, width: 40, height: 40), source: .detected)
                })
        }
        return file
    }

    /// Pixels brighter than 200 inside `box`.
    static func brightPixels(in image: Image, _ box: Box) -> Int {
        var count = 0
        for y in Int(box.minY)..<Int(box.maxY) {
            for x in Int(box.minX)..<Int(box.maxX) where image[x, y].red > 200 && image[x, y].green > 200 {
                count += 1
            }
        }
        return count
    }

    @Test func keepVisibleAndARegionOnTwoKeyframesRenderAsDecided() throws {
        let root = try CLITests.directory()
        let clip = try Self.clip(in: root)
        let tracksURL = root.appendingPathComponent("clip.tracks.json")
        let file = try Self.tracksFile(for: clip)
        try file.jsonData().write(to: tracksURL)
        var session = ReviewSession(
            document: try ReviewDocument(tracksFile: file), mediaSHA256: file.media.sha256,
            tracksSHA256: try SHA256.hex(ofFileAt: tracksURL))
        try session.perform(.keepVisible(track: 1, reason: "consented"), by: "Ana", because: "consent form 12")
        // B drawn on frames 2 and 22 only; the frames between are interpolated.
        try session.perform(
            .addRegion(
                ManualRegion(
                    id: session.nextRegionID, label: "missed person", shape: .box, firstFrame: 2, lastFrame: 22,
                    keyframes: [
                        .init(frame: 2, box: Box(x: 104, y: 116, width: 48, height: 48)),
                        .init(frame: 22, box: Box(x: 184, y: 116, width: 48, height: 48)),
                    ])), by: "Ana", because: "the detector missed her")
        let logURL = EditLog.url(forTracksFile: tracksURL)
        try EditLog.append(session.entries, to: logURL)

        let output = root.appendingPathComponent("out.mp4")
        let report = root.appendingPathComponent("report.json")
        let arguments = [
            "render", clip.path, "--tracks", tracksURL.path, "--edits", logURL.path, "-o", output.path, "--mask",
            "fill", "--crf", "0", "--preset", "ultrafast", "--report", report.path, "--quiet",
        ]
        // Nothing is marked reviewed yet: refused, and nothing written.
        let refused = try CLITests.veil(arguments)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("track(s) 1, 2 not reviewed"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // Allowed explicitly, the render goes ahead and the report says which tracks were unreviewed.
        let draft = root.appendingPathComponent("draft.mp4")
        let draftReport = root.appendingPathComponent("draft.json")
        let allowed = try CLITests.veil([
            "render", clip.path, "--tracks", tracksURL.path, "--edits", logURL.path, "-o", draft.path,
            "--allow-unreviewed", "--report", draftReport.path, "--preset", "ultrafast",
        ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("warning: rendered with unreviewed track(s) 1, 2"))
        let draftJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: draftReport)) as? [String: Any]
        let draftReview = draftJSON?["review"] as? [String: Any]
        #expect(draftReview?["unreviewedTrackIDs"] as? [Int] == [1, 2])
        #expect(draftReview?["unreviewedExportAllowed"] as? Bool == true)

        let signOff = try session.perform(.setVideoReviewed(true), by: "Ana")
        try EditLog.append([signOff], to: logURL)
        let run = try CLITests.veil(arguments)
        #expect(run.status == 0, "\(run.stderr)")

        let reader = try VideoReader(url: output)
        var frames = 0
        while let frame = try reader.nextFrame() {
            let n = frame.index
            let a = Self.brightPixels(in: frame.image, Box(x: 24, y: 24, width: 32, height: 32))
            let c = Self.brightPixels(in: frame.image, Box(x: 264, y: 24, width: 32, height: 32))
            let b = Self.brightPixels(in: frame.image, Box(x: Double(100 + 4 * n), y: 120, width: 40, height: 40))
            #expect(a == 32 * 32, "kept-visible track masked on frame \(n)")
            #expect(c == 0, "track 2 visible on frame \(n)")
            if (2...22).contains(n) {
                #expect(b == 0, "region not masked on frame \(n)")
            } else {
                #expect(b > 1000, "region masked outside its span on frame \(n)")
            }
            frames += 1
        }
        #expect(frames == 25)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        let review = json?["review"] as? [String: Any]
        let decisions = review?["decisions"] as? [[String: Any]] ?? []
        #expect(decisions.count == 3)
        #expect(decisions.first?["why"] as? String == "consent form 12")
        #expect(decisions.first?["who"] as? String == "Ana")
        #expect(json?["mediaSHA256"] as? String == file.media.sha256)
        #expect(json?["tracksSHA256"] as? String == session.tracksSHA256)
        #expect(json?["outputSHA256"] as? String == (try SHA256.hex(ofFileAt: output)))
        #expect(review?["editsSHA256"] as? String == (try SHA256.hex(ofFileAt: logURL)))
        #expect(json?["excludedTrackIDs"] as? [Int] == [1])
        #expect(review?["unreviewedTrackIDs"] as? [Int] == [])
        #expect(review?["isVideoReviewed"] as? Bool == true)
    }

    @Test func aLogForAnotherTracksFileIsRefused() throws {
        let root = try CLITests.directory()
        let clip = try Self.clip(in: root)
        let tracksURL = root.appendingPathComponent("clip.tracks.json")
        let file = try Self.tracksFile(for: clip)
        try file.jsonData().write(to: tracksURL)
        var session = ReviewSession(
            document: try ReviewDocument(tracksFile: file), mediaSHA256: file.media.sha256,
            tracksSHA256: String(repeating: "0", count: 64))
        try session.perform(.setVideoReviewed(true), by: "Ana")
        let logURL = root.appendingPathComponent("clip.edits.jsonl")
        try EditLog.append(session.entries, to: logURL)
        let output = root.appendingPathComponent("out.mp4")
        let run = try CLITests.veil([
            "render", clip.path, "--tracks", tracksURL.path, "--edits", logURL.path, "-o", output.path, "--quiet",
        ])
        #expect(run.status != 0)
        #expect(run.stderr.contains("edits log clip.edits.jsonl: line 1: recorded for tracks file"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let contradictory = try CLITests.veil([
            "render", clip.path, "--tracks", tracksURL.path, "--edits", logURL.path, "-o", output.path,
            "--exclude-track", "1",
        ])
        #expect(contradictory.status != 0)
        #expect(contradictory.stderr.contains("every unmasking must be a recorded decision"))
    }
}
