import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilVideo

/// What a reviewer reads in a report: a schema version, the SHA-256 of every input and output,
/// the settings that shaped each output, and counts keyed the same way for stills and video.
@Suite(.serialized) struct ReportTests {
    static func json(_ report: BatchReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
    }

    @Test func stillEntriesCarryHashesOfWhatWasReadAndWritten() throws {
        let directory = try TestSupport.directory()
        let anonymizer = try ImagePipelineTests.anonymizer()
        let output = directory.appendingPathComponent("out/a.jpg")
        let job = BatchJob(input: TestSupport.astronaut, output: output, relativePath: "a.png")
        let results = BatchRunner(images: anonymizer, videos: nil, concurrency: 1).run([job])
        let report = BatchReport(
            version: "test", detector: anonymizer.detector, settings: anonymizer.settings,
            imageSettings: BatchReport.ImageSettings(quality: 92), results: results, planningErrors: [],
            outputRoot: directory.appendingPathComponent("out"), elapsedSeconds: 1)
        let json = try Self.json(report)
        #expect(json["schema"] as? String == "veil-report")
        #expect(json["schemaVersion"] as? Int == BatchReport.currentSchemaVersion)
        let file = try #require((json["files"] as? [[String: Any]])?.first)
        #expect(file["kind"] as? String == "image")
        #expect(file["output"] as? String == "a.jpg")
        #expect(file["inputSHA256"] as? String == (try SHA256.hex(ofFileAt: TestSupport.astronaut)))
        #expect(file["outputSHA256"] as? String == (try SHA256.hex(ofFileAt: output)))
        #expect((file["detections"] as? [String: Int])?["face"] == 1)
        #expect(file["counts"] == nil)
        let settings = try #require(json["settings"] as? [String: Any])
        #expect((settings["image"] as? [String: Any])?["quality"] as? Int == 92)
        #expect((settings["image"] as? [String: Any])?["enlargement"] as? String == "guided")
        #expect((settings["image"] as? [String: Any])?["plateScan"] as? String == "guided")
        #expect(settings["mask"] as? String == "layered")
        #expect(
            settings["maskTechnique"] as? String == "generalization with randomization (noise addition)",
            "every report names the mask's ISO/IEC 20889 technique")
        #expect(settings["video"] == nil)
        let totals = try #require(json["totals"] as? [String: Any])
        #expect((totals["detections"] as? [String: Int])?["face"] == 1)
        #expect(totals["succeeded"] as? Int == 1)
    }

    /// Error messages name files by their full path on the terminal; the report keeps the
    /// relative names only (an absolute path can hold the user's name).
    @Test func failuresInTheReportHoldNoAbsolutePath() throws {
        let directory = try TestSupport.directory()
        let anonymizer = try ImagePipelineTests.anonymizer()
        let broken = directory.appendingPathComponent("in/broken.jpg")
        try FileManager.default.createDirectory(
            at: broken.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not a picture".utf8).write(to: broken)
        let job = BatchJob(
            input: broken, output: directory.appendingPathComponent("out/broken.jpg"), relativePath: "broken.jpg")
        let results = BatchRunner(images: anonymizer, videos: nil, concurrency: 1).run([job])
        let missing = directory.appendingPathComponent("gone.png").path
        let report = BatchReport(
            version: "test", detector: anonymizer.detector, settings: anonymizer.settings,
            imageSettings: BatchReport.ImageSettings(quality: 92), results: results,
            planningErrors: [(missing, .inputMissing(path: missing))],
            outputRoot: directory.appendingPathComponent("out"), elapsedSeconds: 1)
        let text = try #require(String(data: try report.jsonData(), encoding: .utf8))
        #expect(!text.contains(directory.path), "the report leaks an absolute path")
        let files = try #require(try Self.json(report)["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["gone.png", "broken.jpg"])
        #expect((files[0]["error"] as? String)?.hasPrefix("gone.png: no such file") == true)
        #expect((files[1]["error"] as? String)?.hasPrefix("broken.jpg: ") == true)
    }

    @Test func videoEntriesCarryHashesEncodingAndScheduleAndTracksNamedAsSuch() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let anonymizer = VideoPipelineTests.anonymizer(BrightSquareDetector())
        let output = directory.appendingPathComponent("masked.mp4")
        let job = BatchJob(input: input, output: output, relativePath: "square.mp4")
        let results = BatchRunner(images: nil, videos: anonymizer, concurrency: 1).run([job])
        let report = BatchReport(
            version: "test", detector: BrightSquareDetector(), settings: anonymizer.settings,
            videoSettings: anonymizer.video, results: results, planningErrors: [], elapsedSeconds: 1)
        let json = try Self.json(report)
        let video = try #require((json["settings"] as? [String: Any])?["video"] as? [String: Any])
        #expect(video["codec"] as? String == "h264")
        #expect(video["crf"] as? Int == 0)
        #expect(video["preset"] as? String == "ultrafast")
        #expect(video["lookAheadSeconds"] as? Double == 1)
        #expect(video["lookAheadMemoryMegabytes"] as? Int == 64)
        #expect(video["detectionSide"] as? Int == 1280)
        #expect(video["coarseDetectionSide"] as? Int == 640)
        #expect(video["fullDetectionStride"] as? Int == 4)
        #expect(video["fullPassBands"] as? Int == 2)
        #expect(video["plateBands"] as? Int == 3)
        #expect((json["settings"] as? [String: Any])?["image"] == nil, "no still quality in a video-only report")
        let file = try #require((json["files"] as? [[String: Any]])?.first)
        #expect(file["kind"] as? String == "video")
        #expect(file["inputSHA256"] as? String == (try SHA256.hex(ofFileAt: input)))
        #expect(file["outputSHA256"] as? String == (try SHA256.hex(ofFileAt: output)))
        #expect((file["tracks"] as? [String: Int])?["face"] == 1)
        #expect(((file["detections"] as? [String: Int])?["face"] ?? 0) >= 70, "one per detected frame")
        let totals = try #require(json["totals"] as? [String: Any])
        #expect((totals["tracks"] as? [String: Int])?["face"] == 1)
    }

    @Test func classCountsEncodeAsAnObjectKeyedByClassName() throws {
        let counts: ClassCounts = [.face: 3, .plate: 0]
        let data = try JSONEncoder().encode(counts)
        #expect(String(decoding: data, as: UTF8.self) == #"{"face":3}"#)
        #expect(try JSONDecoder().decode(ClassCounts.self, from: data) == counts)
        #expect((counts + [.face: 1, .plate: 2]).total == 6)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ClassCounts.self, from: Data(#"{"cat":1}"#.utf8))
        }
    }
}

/// The ETA a progress line shows must settle within seconds, not start at 20× the real time.
@Suite struct ThroughputEstimatorTests {
    @Test func noRateBeforeTheFirstOutputOrDuringWarmUp() {
        var estimator = ThroughputEstimator()
        estimator.record(count: 0, at: 2)
        #expect(estimator.rate == nil)
        estimator.record(count: 1, at: 3)
        estimator.record(count: 10, at: 3.5)
        #expect(estimator.secondsLeft(total: 100) == nil)
    }

    @Test func settlesNearTheTruthAfterALongSilentStart() throws {
        // Nothing for 3 s (the look-ahead filling), then 15 frames per second, sampled every
        // 0.25 s: 450 frames take 3 + 30 s.
        var estimator = ThroughputEstimator()
        var estimates: [(time: Double, eta: Double)] = []
        for step in 0...132 {
            let time = Double(step) * 0.25
            let count = time < 3 ? 0 : Int((time - 3) * 15) + 1
            estimator.record(count: count, at: time)
            if let eta = estimator.secondsLeft(total: 450) { estimates.append((time, eta)) }
        }
        let first = try #require(estimates.first)
        #expect(first.time <= 5, "an estimate within 2 s of the first output")
        for estimate in estimates {
            let truth = 33 - estimate.time
            #expect(
                abs(estimate.eta - truth) <= max(1, 0.1 * truth), "at \(estimate.time) s: \(estimate.eta) vs \(truth)")
        }
    }

    @Test func followsASlowdown() throws {
        var estimator = ThroughputEstimator()
        for step in 0...80 {
            let time = Double(step) * 0.25
            // 20 fps for 10 s, then 10 fps.
            let count = time <= 10 ? Int(time * 20) + 1 : 201 + Int((time - 10) * 10)
            estimator.record(count: count, at: time)
        }
        let rate = try #require(estimator.rate)
        #expect(abs(rate - 10) < 1.5, "\(rate)")
    }
}
