import Foundation
import Testing
import VeilTestSupport

/// Batches lose no file and leak nothing outside the pixels: collisions and bad output shapes are
/// refused before any work, outputs are never read back as inputs, damaged photos are refused,
/// subtitle and audio streams follow the options, one file's failure stays that file's, and
/// interrupted runs leave nothing under a final name.
@Suite struct BatchSafetyTests {
    typealias CLI = CLITests

    static func copyAstronaut(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.astronaut, to: url)
    }

    /// A short clip; with `subtitle` it carries a subtitle track holding that text (`codec`:
    /// mov_text for MP4, srt for MKV).
    static func clip(
        _ url: URL, seconds: Double = 1, size: String = "320x240", subtitle: String? = nil, codec: String = "mov_text"
    ) throws {
        var arguments = [
            "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=10:duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=duration=\(seconds)",
        ]
        if let subtitle {
            let srt = url.deletingPathExtension().appendingPathExtension("srt")
            try "1\n00:00:00,000 --> 00:00:00,900\n\(subtitle)\n\n".write(to: srt, atomically: true, encoding: .utf8)
            arguments += ["-i", srt.path, "-map", "0", "-map", "1", "-map", "2", "-c:s", codec]
        }
        arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", url.path]
        try CLI.ffmpeg(arguments)
        if subtitle != nil {
            try FileManager.default.removeItem(at: url.deletingPathExtension().appendingPathExtension("srt"))
        }
    }

    /// Stream types in file order ("video", "audio", "subtitle", ...), from ffprobe.
    static func streamTypes(_ url: URL) throws -> [String] {
        let data = try ChildProcess.tool(
            "ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "default=nw=1:nk=1", url.path]
        ).stdout
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func files(under root: URL) -> [String] {
        let walk = FileManager.default.enumerator(atPath: root.path)
        return ((walk?.allObjects as? [String]) ?? []).sorted()
    }

    static func reportFiles(_ url: URL) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return json?["files"] as? [[String: Any]] ?? []
    }

    // MARK: Collisions and the shape of -o

    @Test func sameNamedInputsIntoOneFolderAreRefusedBeforeAnyWork() throws {
        let root = try CLI.directory()
        let first = root.appendingPathComponent("ca/x.png")
        let second = root.appendingPathComponent("cb/x.png")
        try Self.copyAstronaut(to: first)
        try Self.copyAstronaut(to: second)
        let output = root.appendingPathComponent("out")
        let run = try CLI.veil(["anonymize", first.path, second.path, "-o", output.path + "/", "--targets", "face"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("ca/x.png") && run.stderr.contains("cb/x.png"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aJPEGAndAPNMOfTheSameNameCollideBecausePNMIsWrittenAsJPEG() throws {
        let root = try CLI.directory()
        let folder = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["a.jpg", "a.ppm"] {
            try CLI.ffmpeg(["-loglevel", "error", "-i", CLI.astronaut.path, folder.appendingPathComponent(name).path])
        }
        let output = root.appendingPathComponent("out")
        let run = try CLI.veil(["anonymize", folder.path, "-o", output.path, "--targets", "face"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("a.jpg") && run.stderr.contains("a.ppm"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test(arguments: [true, false])
    func aFileLikeOutputForAFolderOrSeveralInputsIsAUsageError(isFolder: Bool) throws {
        let root = try CLI.directory()
        let folder = root.appendingPathComponent("photos")
        try Self.copyAstronaut(to: folder.appendingPathComponent("p.png"))
        try Self.copyAstronaut(to: root.appendingPathComponent("q.png"))
        let inputs = isFolder ? [folder.path] : [folder.appendingPathComponent("p.png").path, root.path + "/q.png"]
        let single = root.appendingPathComponent("single.jpg")
        let run = try CLI.veil(["anonymize"] + inputs + ["-o", single.path, "--targets", "face"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("names a file"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: single.path))
    }

    // MARK: Self-feeding

    @Test func aNestedOutputFolderIsNeverReadAsInput() throws {
        let root = try CLI.directory()
        let nest = root.appendingPathComponent("nest")
        try Self.copyAstronaut(to: nest.appendingPathComponent("a.png"))
        try Self.copyAstronaut(to: nest.appendingPathComponent("sub/b.png"))
        let output = nest.appendingPathComponent("anon")
        for _ in 0..<2 {
            let run = try CLI.veil(["anonymize", nest.path, "-o", output.path, "--targets", "face", "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(Self.files(under: output).filter { !$0.hasPrefix(".") } == ["a.png", "sub", "sub/b.png"])
        // Another output folder in the same tree does not pick up the first run's outputs either.
        let other = nest.appendingPathComponent("anon2")
        let run = try CLI.veil(["anonymize", nest.path, "-o", other.path, "--targets", "face", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.files(under: other).filter { !$0.hasPrefix(".") } == ["a.png", "sub", "sub/b.png"])
    }

    // MARK: Damaged photos

    @Test(arguments: [0.4, 0.6])
    func aTruncatedJPEGIsRefusedUnlessAllowedAndThenFlaggedInTheReport(fraction: Double) throws {
        let root = try CLI.directory()
        let whole = root.appendingPathComponent("whole.jpg")
        try CLI.ffmpeg(["-loglevel", "error", "-i", CLI.astronaut.path, "-q:v", "2", whole.path])
        let bytes = try Data(contentsOf: whole)
        let cut = root.appendingPathComponent("cut.jpg")
        try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: cut)
        let output = root.appendingPathComponent("out.jpg")

        let refused = try CLI.veil(["anonymize", cut.path, "-o", output.path, "--targets", "face"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("damaged or truncated"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let report = root.appendingPathComponent("report.json")
        let allowed = try CLI.veil([
            "anonymize", cut.path, "-o", output.path, "--targets", "face", "--allow-damaged", "--report", report.path,
        ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(FileManager.default.fileExists(atPath: output.path))
        let entry = try Self.reportFiles(report).first
        #expect((entry?["damage"] as? String)?.isEmpty == false)
        #expect(entry?["status"] as? String == "ok")

        // An intact JPEG is not flagged.
        let intact = try CLI.veil([
            "anonymize", whole.path, "-o", root.appendingPathComponent("w.jpg").path, "--targets", "face", "--report",
            report.path,
        ])
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(try Self.reportFiles(report).first?["damage"] == nil)
    }

    // MARK: Streams

    @Test(arguments: [("mp4", "mov_text"), ("mkv", "srt")])
    func subtitlesNamingAPersonAndAPlaceAreDroppedUnlessKept(container: String, codec: String) throws {
        let root = try CLI.directory()
        let input = root.appendingPathComponent("drone.\(container)")
        let name = "Jane Marlowe"
        let position = "48.85837N 2.29448E"
        try Self.clip(input, subtitle: "\(name) at \(position)", codec: codec)
        try #require(try Self.streamTypes(input) == ["video", "audio", "subtitle"])

        let output = root.appendingPathComponent("out.\(container)")
        let report = root.appendingPathComponent("report.json")
        let run = try CLI.veil([
            "anonymize", input.path, "-o", output.path, "--targets", "face", "--report", report.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.streamTypes(output) == ["video", "audio"])
        let bytes = try Data(contentsOf: output)
        #expect(bytes.range(of: Data(name.utf8)) == nil)
        #expect(bytes.range(of: Data(position.utf8)) == nil)
        let video = try Self.reportFiles(report).first?["video"] as? [String: Any]
        let dropped = video?["droppedStreams"] as? [[String: Any]]
        #expect(dropped?.count == 1)
        #expect(dropped?.first?["type"] as? String == "subtitle")
        #expect(dropped?.first?["index"] as? Int == 2)

        let kept = root.appendingPathComponent("kept.\(container)")
        let keeping = try CLI.veil([
            "anonymize", input.path, "-o", kept.path, "--targets", "face", "--keep-subtitles", "--quiet",
        ])
        #expect(keeping.status == 0, "\(keeping.stderr)")
        #expect(try Self.streamTypes(kept) == ["video", "audio", "subtitle"])
        #expect(try Data(contentsOf: kept).range(of: Data(name.utf8)) != nil)
    }

    @Test func audioDropLeavesOnlyTheMaskedVideo() throws {
        let root = try CLI.directory()
        let input = root.appendingPathComponent("talk.mp4")
        try Self.clip(input)
        let output = root.appendingPathComponent("silent.mp4")
        let report = root.appendingPathComponent("report.json")
        let run = try CLI.veil([
            "anonymize", input.path, "-o", output.path, "--targets", "face", "--audio", "drop", "--report", report.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.streamTypes(output) == ["video"])
        let video = try Self.reportFiles(report).first?["video"] as? [String: Any]
        #expect((video?["droppedStreams"] as? [[String: Any]])?.map { $0["type"] as? String } == ["audio"])
        let kept = root.appendingPathComponent("kept.mp4")
        #expect(try CLI.veil(["anonymize", input.path, "-o", kept.path, "--targets", "face", "--quiet"]).status == 0)
        #expect(try Self.streamTypes(kept) == ["video", "audio"])
    }

    // MARK: Failures stay per file

    @Test func aDamagedVideoFailsAloneAndTheOthersAreWritten() throws {
        let root = try CLI.directory()
        let folder = root.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.clip(folder.appendingPathComponent("a.mp4"))
        try Self.clip(folder.appendingPathComponent("c.mp4"))
        try Self.clip(folder.appendingPathComponent("d.mp4"))
        // The index first (faststart), then cut in half: the file opens and fails mid-stream.
        let whole = root.appendingPathComponent("whole.mp4")
        try CLI.ffmpeg([
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=2", "-c:v", "libx264",
            "-preset", "ultrafast", "-movflags", "+faststart", whole.path,
        ])
        let bytes = try Data(contentsOf: whole)
        try bytes.prefix(bytes.count / 2).write(to: folder.appendingPathComponent("b.mp4"))
        let output = root.appendingPathComponent("out")
        let report = root.appendingPathComponent("report.json")
        let run = try CLI.veil([
            "anonymize", folder.path, "-o", output.path, "--targets", "face", "--report", report.path,
        ])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(!run.stderr.contains("cancelled"), "\(run.stderr)")
        #expect(Self.files(under: output).filter { !$0.hasPrefix(".") } == ["a.mp4", "c.mp4", "d.mp4"])
        let statuses = try Self.reportFiles(report).map {
            "\($0["path"] as? String ?? "?")=\($0["status"] as? String ?? "?")"
        }
        #expect(statuses.sorted() == ["a.mp4=ok", "b.mp4=failed", "c.mp4=ok", "d.mp4=ok"])
    }

    /// Starts a long video run into `output`, waits until its temporary file exists, and sends
    /// `signal`; returns the process after it ended.
    static func interruptedRun(input: URL, output: URL, signal: Int32) throws -> Process {
        let process = try CLI.startUntilTemporaryOutput(
            ["anonymize", input.path, "-o", output.path, "--quiet", "--detect-stride", "1"],
            in: output.deletingLastPathComponent())
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process
    }

    @Test func sigtermStopsTheRunWithStatus143AndNothingLeft() throws {
        let root = try CLI.directory()
        let input = root.appendingPathComponent("long.mp4")
        try Self.clip(input, seconds: 30, size: "640x480")
        let output = root.appendingPathComponent("out/long.mp4")
        let process = try Self.interruptedRun(input: input, output: output, signal: SIGTERM)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(Self.files(under: output.deletingLastPathComponent()).isEmpty)
    }

    @Test func kill9LeavesOnlyATemporaryFileThatTheNextRunRemoves() throws {
        let root = try CLI.directory()
        let input = root.appendingPathComponent("long.mp4")
        try Self.clip(input, seconds: 30, size: "640x480")
        let folder = root.appendingPathComponent("out")
        let output = folder.appendingPathComponent("long.mp4")
        let process = try Self.interruptedRun(input: input, output: output, signal: SIGKILL)
        #expect(process.terminationReason == .uncaughtSignal)
        let left = Self.files(under: folder)
        #expect(!left.contains("long.mp4"))
        #expect(left.count == 1 && left.allSatisfy { $0.hasPrefix(".long.veil-tmp-") && $0.hasSuffix(".mp4") })
        // A file that only looks similar is not Veil's and stays.
        let lookalike = folder.appendingPathComponent(".long.veil-tmp-notauuid.mp4")
        try Data("keep".utf8).write(to: lookalike)

        let photo = folder.appendingPathComponent("photo.png")
        let next = try CLI.veil(["anonymize", CLI.astronaut.path, "-o", photo.path, "--targets", "face"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("removed 1 temporary file"), "\(next.stderr)")
        #expect(Self.files(under: folder) == [".long.veil-tmp-notauuid.mp4", "photo.png"])
    }

    /// A 512 KB tmpfs: root only (mounting needs it), skipped elsewhere.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aFullDiskFailsThatFileInOneLineLeavesNothingAndTheBatchGoesOn() throws {
        let root = try CLI.directory()
        let disk = root.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        mount.arguments = ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", disk.path]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "cannot mount a tmpfs here")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            unmount.arguments = ["umount", disk.path]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let folder = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A video far larger than the disk (lossless), and a small photo that fits.
        try CLI.ffmpeg([
            "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25:duration=3", "-c:v", "libx264",
            "-preset", "ultrafast", "-crf", "0", folder.appendingPathComponent("a.mp4").path,
        ])
        try CLI.ffmpeg([
            "-loglevel", "error", "-i", CLI.astronaut.path, "-vf", "scale=128:128",
            folder.appendingPathComponent("b.jpg").path,
        ])
        let output = disk.appendingPathComponent("out")
        let run = try CLI.veil([
            "anonymize", folder.path, "-o", output.path, "--targets", "face", "--crf", "0", "--preset", "ultrafast",
        ])
        #expect(run.status == 1)
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1)
        // Once seen failing under a loaded parallel run (the line named a.mp4 but not the
        // cause): the messages are printed with any failure.
        #expect(
            errors.first?.contains("a.mp4") == true && errors.first?.contains("No space left") == true,
            "\(run.stderr)")
        #expect(Self.files(under: output).filter { !$0.hasPrefix(".veil-output") } == ["b.jpg"], "\(run.stderr)")
    }

    // MARK: The report

    @Test func aReportInAMissingFolderIsRefusedBeforeAnyWork() throws {
        let root = try CLI.directory()
        let output = root.appendingPathComponent("o.png")
        let run = try CLI.veil([
            "anonymize", CLI.astronaut.path, "-o", output.path, "--report",
            root.appendingPathComponent("missing/report.json").path,
        ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("does not exist"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test func reportDashIsTheOnlyThingOnStdout() throws {
        let root = try CLI.directory()
        let output = root.appendingPathComponent("o.png")
        let run = try CLI.veil([
            "anonymize", CLI.astronaut.path, "-o", output.path, "--targets", "face", "--report", "-",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect((json?["files"] as? [[String: Any]])?.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["o.png"])
    }
}
