import Foundation
import Testing
import VeilBatch
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilPipeline

/// A detector that finds nothing: the shard bookkeeping is under test, not detection.
struct NothingDetector: ObjectDetector {
    var name = "nothing"
    var models = [ModelFingerprint(name: "nothing.onnx", sha256: String(repeating: "0", count: 64))]
    func detect(in image: Image) throws(DetectionError) -> [Detection] { [] }
}

/// A manifest of small photos (one damaged) in a fresh folder, and its output folder.
struct ShardFixture {
    let root: URL
    let output: URL
    let manifestURL: URL
    static let names = ["a.png", "b.png", "sub/c.png", "d.png", "broken.png"]

    init(_ name: String = #function) throws {
        root = try temporaryFolder(name)
        output = root.appendingPathComponent("out")
        for (offset, name) in Self.names.enumerated() where name != "broken.png" {
            let url = root.appendingPathComponent("in/" + name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let image = Image(size: PixelSize(width: 32, height: 24), blue: UInt8(offset * 40), green: 90, red: 200)
            try ImageCodec.write(image, to: url, quality: 92)
        }
        try Data("not a picture".utf8).write(to: root.appendingPathComponent("in/broken.png"))
        manifestURL = root.appendingPathComponent("in/manifest.txt")
        try (Self.names.joined(separator: "\n") + "\n").write(to: manifestURL, atomically: true, encoding: .utf8)
    }

    var manifest: BatchManifest { get throws { try BatchManifest(contentsOf: manifestURL, outputRoot: output) } }
    var layout: BatchLayout { BatchLayout(outputRoot: output) }

    /// Runs shard `index` of `count` with `quality` (the setting a test changes).
    func run(_ index: Int, of count: Int, quality: Int = 92) throws -> ShardRun.Summary {
        let run = ShardRun(
            manifest: try manifest, shard: try ShardSelection(index: index, count: count), layout: layout,
            veilVersion: "test")
        return try run.run(engine: { options, _ in
            var settings = options.applied(to: AnonymizationSettings())
            settings.quality = quality
            let detector = NothingDetector()
            let described = BatchReport(
                version: "test", detector: detector, settings: settings, imageSettings: .init(quality: quality),
                results: [], planningErrors: [], elapsedSeconds: 0)
            return ShardEngine(
                runner: BatchRunner(
                    images: ImageAnonymizer(detector: detector, settings: settings), videos: nil, concurrency: 2),
                imageFingerprint: try SettingsFingerprint(
                    settings: described.settings, models: detector.models, veilVersion: "test"),
                videoFingerprint: nil)
        })
    }
}

@Suite struct ShardRunTests {
    @Test func aRerunSkipsWhatIsDoneAndRedoesOnlyWhatIsMissing() throws {
        let fixture = try ShardFixture()
        let first = try fixture.run(0, of: 1)
        #expect(first.done == 4 && first.skipped == 0)
        #expect(first.failures.map(\.input) == ["broken.png"])
        let recordCount = try FileManager.default.contentsOfDirectory(atPath: fixture.layout.doneFolder.path).count
        #expect(recordCount == 4)

        let second = try fixture.run(0, of: 1)
        #expect(second.done == 0 && second.skipped == 4 && second.failures.count == 1)

        try FileManager.default.removeItem(at: fixture.output.appendingPathComponent("sub/c.png"))
        let third = try fixture.run(0, of: 1)
        #expect(third.done == 1 && third.skipped == 3)
        let lines = ShardReportWriter.read(fixture.layout.shardReportURL(try ShardSelection(index: 0, count: 1)))
        let redone = lines.filter { $0.status == ShardReportLine.done }
        #expect(redone.map(\.input) == ["sub/c.png"])
        #expect(redone.first?.reason == "output missing")
        #expect(lines.first?.event == "start" && lines.last?.event == "end")
    }

    @Test func changedSettingsOrADamagedOutputAreRedone() throws {
        let fixture = try ShardFixture()
        _ = try fixture.run(0, of: 1)
        let changed = try fixture.run(0, of: 1, quality: 80)
        #expect(changed.done == 4 && changed.skipped == 0)

        let output = fixture.output.appendingPathComponent("a.png")
        var bytes = try Data(contentsOf: output)
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: output)
        let repaired = try fixture.run(0, of: 1, quality: 80)
        #expect(repaired.done == 1 && repaired.skipped == 3)
        let record = DoneRecord.read(from: fixture.layout.doneRecordURL(relativeOutput: "a.png"))
        #expect(record?.outputSHA256 == BatchHash.hex(ofFileAt: output))
    }

    @Test func aChangedInputIsRedone() throws {
        let fixture = try ShardFixture()
        _ = try fixture.run(0, of: 1)
        let image = Image(size: PixelSize(width: 40, height: 30), blue: 1, green: 2, red: 3)
        try ImageCodec.write(image, to: fixture.root.appendingPathComponent("in/d.png"), quality: 92)
        let rerun = try fixture.run(0, of: 1)
        #expect(rerun.done == 1 && rerun.skipped == 3)
    }

    @Test func mergeCountsEverythingAndNamesFailuresAndMissingShards() throws {
        let fixture = try ShardFixture()
        _ = try fixture.run(0, of: 3)
        _ = try fixture.run(1, of: 3)
        // Shard 2 (items 2 and 5… here only item 2, sub/c.png) never ran.
        var merged = try BatchMerge(layout: fixture.layout, veilVersion: "test")
        #expect(merged.totals.items == 5)
        #expect(merged.totals.processed == 3)
        #expect(merged.failures.map(\.input) == ["broken.png"])
        #expect(merged.missing.map(\.index) == [2])
        #expect(merged.shardsNeverStarted == [2])
        #expect(!merged.isComplete)
        #expect(merged.problemLines.count == 2)

        _ = try fixture.run(2, of: 3)
        merged = try BatchMerge(layout: fixture.layout, veilVersion: "test")
        #expect(merged.missing.isEmpty && merged.totals.succeeded == 4 && merged.totals.failed == 1)
        let json = try JSONSerialization.jsonObject(with: merged.jsonData()) as? [String: Any]
        #expect((json?["failures"] as? [[String: Any]])?.first?["input"] as? String == "broken.png")
    }

    @Test func aShardStoppedMidRunLeavesItsRemainingItemsMissing() throws {
        let fixture = try ShardFixture()
        let shard = try ShardSelection(index: 0, count: 1)
        // A report as a killed shard leaves it: planned items, one finished, no end.
        let writer = try ShardReportWriter(url: fixture.layout.shardReportURL(shard))
        var start = ShardReportLine(event: "start")
        start.manifestSHA256 = try fixture.manifest.sha256
        start.manifestItems = 5
        start.shard = 0
        start.shards = 1
        start.startedAt = "2026-11-30T00:00:00Z"
        start.planned = try fixture.manifest.items.map { .init(index: $0.index, input: $0.job.relativePath) }
        try writer.append(start)
        var item = ShardReportLine(event: "item")
        item.index = 0
        item.input = "a.png"
        item.status = ShardReportLine.done
        try writer.append(item)
        let merged = try BatchMerge(layout: fixture.layout, veilVersion: "test")
        #expect(merged.shardsUnfinished == [0])
        #expect(merged.missing.map(\.input) == ["b.png", "sub/c.png", "d.png", "broken.png"])
        #expect(merged.missing.allSatisfy { $0.reason == "shard stopped before this item" })
    }

    @Test func mergeWithoutReportsSaysSo() throws {
        let root = try temporaryFolder()
        #expect(throws: BatchError.noReports(path: root.standardizedFileURL.path)) {
            _ = try BatchMerge(layout: BatchLayout(outputRoot: root), veilVersion: "test")
        }
    }
}
