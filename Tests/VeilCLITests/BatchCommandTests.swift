import Foundation
import Testing

/// `veil batch` as a scheduler runs it: shards chosen through the environment variables Slurm
/// and Kubernetes set, one shard killed with SIGKILL mid-run and rerun, an output deleted and
/// only that item redone, and the merge naming the damaged input.
@Suite struct BatchCommandTests {
    typealias CLI = CLITests

    /// Inputs in manifest order: item i belongs to shard i mod 2. Shard 1 holds a photo and two
    /// clips, so it is still busy with a clip when it is killed.
    static let inputs = ["p0.png", "clips/v1.mp4", "p1.png", "p2.png", "broken.jpg", "clips/v2.mp4"]

    static func makeManifest(in root: URL) throws -> URL {
        let folder = root.appendingPathComponent("data")
        for name in inputs {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch name {
            case "broken.jpg": try Data("not a picture".utf8).write(to: url)
            case let video where video.hasSuffix(".mp4"): try BatchSafetyTests.clip(url, seconds: 3, size: "320x240")
            default: try FileManager.default.copyItem(at: CLI.astronaut, to: url)
            }
        }
        let manifest = folder.appendingPathComponent("manifest.txt")
        try (inputs.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        return manifest
    }

    static let options = ["--targets", "face", "--mask", "fill", "--quiet"]

    static func lines(of report: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func items(of report: URL, status: String) -> [String] {
        lines(of: report).filter { $0["event"] as? String == "item" && $0["status"] as? String == status }
            .compactMap { $0["input"] as? String }.sorted()
    }

    @Test func shardsFromTheEnvironmentSurviveKill9AndRedoOnlyWhatIsMissing() throws {
        let root = try CLI.directory()
        let manifest = try Self.makeManifest(in: root)
        let output = root.appendingPathComponent("out")
        let reports = output.appendingPathComponent(".veil-batch/reports")
        let shard0 = reports.appendingPathComponent("shard-00000-of-00002.jsonl")
        let shard1 = reports.appendingPathComponent("shard-00001-of-00002.jsonl")
        let arguments = ["batch", manifest.path, "-o", output.path] + Self.options

        // Shard 1 as a Kubernetes Indexed Job pod, killed while it works on a clip.
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments + ["--shards", "2", "--detect-stride", "1"]
        process.environment = ProcessInfo.processInfo.environment.merging(["JOB_COMPLETION_INDEX": "1"]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
            !((try? FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("clips").path)) ?? [])
                .contains(where: { $0.contains(".veil-tmp-") })
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(process.isRunning, "shard 1 finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        // Nothing under a final name but complete outputs: the clip being written is only a
        // hidden temporary file.
        for clip in ["clips/v1.mp4", "clips/v2.mp4"] {
            #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent(clip).path))
        }
        #expect(Self.items(of: shard1, status: "done") == ["p2.png"])
        #expect(!Self.lines(of: shard1).contains { $0["event"] as? String == "end" })

        // Merging now: shard 0 never ran, shard 1 stopped early.
        let early = try CLI.veil(["batch", "merge", output.path])
        #expect(early.status == 1)
        #expect(
            early.stderr.contains("item 0 (input unknown: no report) (shard 0): never processed: shard never started"))
        #expect(
            early.stderr.contains("item 1 clips/v1.mp4 (shard 1): never processed: shard stopped before this item"),
            "\(early.stderr)")

        // Shard 0 as a Slurm array task.
        let slurm = try CLI.veil(
            arguments, environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(slurm.status == 1, "\(slurm.stderr)")
        #expect(slurm.stderr.contains("broken.jpg"), "\(slurm.stderr)")
        #expect(Self.items(of: shard0, status: "done") == ["p0.png", "p1.png"])

        // Shard 1 again: the photo finished before the kill is skipped, the clips are done.
        let resumed = try CLI.veil(arguments + ["--shards", "2"], environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Self.items(of: shard1, status: "skipped") == ["p2.png"])
        #expect(Self.items(of: shard1, status: "done") == ["clips/v1.mp4", "clips/v2.mp4"])
        let clips = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("clips").path)
        #expect(clips.sorted() == ["v1.mp4", "v2.mp4"], "the killed run's temporary file is removed")

        // An output deleted: only that item is redone.
        try FileManager.default.removeItem(at: output.appendingPathComponent("p1.png"))
        let again = try CLI.veil(
            arguments, environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(again.status == 1)
        #expect(Self.items(of: shard0, status: "done") == ["p1.png"])
        #expect(Self.items(of: shard0, status: "skipped") == ["p0.png"])
        #expect(Self.items(of: shard0, status: "failed") == ["broken.jpg"])

        // The merge: every good item in place, the damaged one named, exit 1.
        let merge = try CLI.veil(["batch", "merge", output.path])
        #expect(merge.status == 1)
        #expect(
            merge.stderr.contains("item 4 broken.jpg (shard 0): failed: broken.jpg: not an image"), "\(merge.stderr)")
        #expect(!merge.stderr.contains("never processed:"), "\(merge.stderr)")
        #expect(!merge.stderr.contains(root.path), "reports name inputs relative to the manifest")
        let report = output.appendingPathComponent("batch-report.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        let totals = json?["totals"] as? [String: Any]
        #expect(totals?["items"] as? Int == 6)
        #expect(totals?["succeeded"] as? Int == 5)
        #expect(totals?["failed"] as? Int == 1)
        #expect(totals?["missing"] as? Int == 0)
        for name in ["p0.png", "p1.png", "p2.png", "clips/v1.mp4", "clips/v2.mp4"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("broken.jpg").path))
    }

    @Test(arguments: [
        (["--shard", "1"], [String: String](), "shard count is missing"),
        (["--shards", "4"], [String: String](), "shard index is missing"),
        (["--shards", "4"], ["SLURM_ARRAY_TASK_ID": "4"], "out of range"),
        (["--shards", "2", "--shard", "5"], [String: String](), "out of range"),
    ])
    func aMissingOrOutOfRangeShardIsAUsageError(extra: [String], environment: [String: String], message: String)
        throws
    {
        let root = try CLI.directory()
        let manifest = root.appendingPathComponent("m.txt")
        try "a.png\n".write(to: manifest, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out")
        // The test's own environment may come from a Slurm job: clear what would leak in.
        let clean = ["SLURM_ARRAY_TASK_ID": "", "SLURM_ARRAY_TASK_COUNT": "", "JOB_COMPLETION_INDEX": ""]
        let run = try CLI.veil(
            ["batch", manifest.path, "-o", output.path] + extra, environment: clean.merging(environment) { $1 })
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func collisionsInTheManifestAreRefusedBeforeAnyWork() throws {
        let root = try CLI.directory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        let manifest = root.appendingPathComponent("m.txt")
        try "a/x.png\n{\"input\": \"y.png\", \"output\": \"a/x.png\"}\n".write(
            to: manifest, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out")
        let run = try CLI.veil(["batch", manifest.path, "-o", output.path, "--shards", "1", "--shard", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("would be written by 2 inputs"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
