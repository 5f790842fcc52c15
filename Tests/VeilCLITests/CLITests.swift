import Foundation
import Testing
import VeilTestSupport

/// The command-line contract users and scripts rely on, checked on the built binary.
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        init(_ result: ChildProcess.Result) {
            self.init(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
        }
    }

    /// The `veil` built with these tests: beside the test bundle, so a sanitizer build's tests
    /// (`.build-asan/debug`) run its sanitized binary; else `.build/<configuration>/veil`.
    static let binary: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("veil")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let candidate = root.appendingPathComponent(".build/\(configuration)/veil")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/veil")
    }()

    static let astronaut = URL(fileURLWithPath: "/usr/local/share/veil/fixtures/astronaut.png")

    static func veil(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        Run(try ChildProcess.run(binary, arguments, environment: environment))
    }

    /// Runs ffmpeg to make a test input; the test stops if it fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let result = try ChildProcess.tool("ffmpeg", arguments)
        try #require(result.status == 0, "ffmpeg could not make the test input: \(result.stderrText)")
    }

    static func directory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("veil-cli-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func helpListsEveryCommandAndTheContractOptions() throws {
        let root = try Self.veil(["--help"])
        #expect(root.status == 0)
        for command in ["anonymize", "evaluate", "audit"] { #expect(root.stdout.contains(command)) }
        let anonymize = try Self.veil(["anonymize", "--help"])
        for option in ["--output", "--mask", "--targets", "--report", "--shape", "--margin", "--threshold", "--jobs"] {
            #expect(anonymize.stdout.contains(option), "anonymize --help lacks \(option)")
        }
        for style in ["layered", "fill", "pixelate", "blur"] { #expect(anonymize.stdout.contains(style)) }
    }

    @Test func batchWithABadFileReportsItAndExitsNonZero() throws {
        let root = try Self.directory()
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.astronaut, to: inputs.appendingPathComponent("good.png"))
        try Data("not a picture".utf8).write(to: inputs.appendingPathComponent("bad.jpg"))
        let output = root.appendingPathComponent("out")
        let report = root.appendingPathComponent("report.json")
        let run = try Self.veil([
            "anonymize", inputs.path, "-o", output.path, "--targets", "face", "--mask", "fill", "--report", report.path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.jpg"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("good.png").path))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("bad.jpg").path))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        #expect(json?["failedCount"] as? Int == 1)
        #expect((json?["models"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func outputEqualToInputIsRefusedAndTheInputKept() throws {
        let root = try Self.directory()
        let input = root.appendingPathComponent("photo.png")
        try FileManager.default.copyItem(at: Self.astronaut, to: input)
        let before = try Data(contentsOf: input)
        let run = try Self.veil(["anonymize", input.path, "-o", input.path, "--targets", "face"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("never overwrites an input"))
        #expect(try Data(contentsOf: input) == before)
    }

    @Test func missingModelsAreAnActionableError() throws {
        let root = try Self.directory()
        let run = try Self.veil([
            "anonymize", Self.astronaut.path, "-o", root.appendingPathComponent("o.png").path, "--models-dir",
            root.path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("make setup"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test func audioOnlyFileIsCalledThatNotAnImage() throws {
        // An extension Veil does not list (.m4a) is judged by the output's (.mp4: a video).
        let root = try Self.directory()
        let input = root.appendingPathComponent("voice.m4a")
        try Self.ffmpeg(["-v", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", input.path])
        let run = try Self.veil(["anonymize", input.path, "-o", root.appendingPathComponent("voice.mp4").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("has no video stream"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["voice.m4a"])
    }

    @Test(arguments: [
        ["--threshold", "2"], ["--margin", "-1"], ["--quality", "0"], ["--jobs", "0"], ["--mask", "smudge"],
        ["--targets", "cats"], ["--crf", "99"], ["--shape", "polygon"], ["--full-stride", "0"],
        ["--coarse-size", "64"],
    ])
    func contradictoryOrInvalidOptionsAreRejectedBeforeWork(arguments: [String]) throws {
        let root = try Self.directory()
        let run = try Self.veil(
            ["anonymize", Self.astronaut.path, "-o", root.appendingPathComponent("o.png").path] + arguments)
        #expect(run.status == 2, "usage errors exit 2")
        #expect(run.stderr.hasPrefix("error: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test func videoTilesFindASmallFaceTheWholeFramePassMisses() throws {
        // The astronaut shrunk to 150 px (a ~40 px face) at the corner of a 1080p frame. Seen
        // whole at 256 px the face is ~5 px and is missed; with --video-min-face 16 the frame
        // is also searched tile by tile at full resolution, and the face is found.
        let root = try Self.directory()
        let input = root.appendingPathComponent("small-face.mp4")
        try Self.ffmpeg([
            "-loglevel", "error", "-y", "-loop", "1", "-framerate", "5", "-i", Self.astronaut.path, "-t", "1",
            "-vf", "scale=150:150,pad=1920:1080:1500:800:color=gray,format=yuv420p", "-c:v", "libx264", "-preset",
            "ultrafast", input.path,
        ])
        func faceTracks(_ extra: [String]) throws -> [[String: Any]] {
            let tracks = root.appendingPathComponent("t\(extra.count).json")
            let run = try Self.veil(
                ["detect", input.path, "--tracks", tracks.path, "--targets", "face", "--detect-size", "256", "--quiet"]
                    + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: tracks)) as? [String: Any]
            return json?["tracks"] as? [[String: Any]] ?? []
        }
        #expect(try faceTracks([]).isEmpty)
        let found = try faceTracks(["--video-min-face", "16"])
        let boxes = found.flatMap { ($0["boxes"] as? [[String: Any]]) ?? [] }.compactMap {
            $0["box"] as? [String: Double]
        }
        // The face lies around (1500 + 47..85, 800 + 13..54) in frame pixels.
        #expect(
            boxes.contains {
                ($0["x"] ?? 0) > 1500 && ($0["x"] ?? 0) < 1600 && ($0["y"] ?? 0) > 790 && ($0["y"] ?? 0) < 880
            })
    }

    @Test func videoRoundTripThroughTheCLI() throws {
        let root = try Self.directory()
        let input = root.appendingPathComponent("in.mp4")
        try Self.ffmpeg([
            "-loglevel", "error", "-y", "-loop", "1", "-framerate", "10", "-i", Self.astronaut.path, "-t",
            "1",
            "-vf", "format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", input.path,
        ])
        let output = root.appendingPathComponent("out.mp4")
        let report = root.appendingPathComponent("r.json")
        let run = try Self.veil([
            "anonymize", input.path, "-o", output.path, "--report", report.path, "--json-progress",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        #expect(json?["schema"] as? String == "veil-report")
        let file = (json?["files"] as? [[String: Any]])?.first
        let video = file?["video"] as? [String: Any]
        #expect(video?["frames"] as? Int == 10)
        #expect(video?["framesWithMasks"] as? Int == 10)
        #expect(file?["inputSHA256"] as? String == (try Self.sha256(input)))
        #expect(file?["outputSHA256"] as? String == (try Self.sha256(output)))
        let settings = json?["settings"] as? [String: Any]
        let videoSettings = settings?["video"] as? [String: Any]
        #expect(videoSettings?["crf"] as? Int == 23)
        #expect(videoSettings?["codec"] as? String == "h264")
        #expect(videoSettings?["preset"] as? String == "veryfast")
        #expect(settings?["image"] == nil, "a video-only run reports no still-image quality")
        try Self.expectEventStream(run.stderr, exitCode: 0)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["in.mp4", "out.mp4", "r.json"])
    }

    /// Starts `veil` and returns once its temporary output exists in `folder` (the run is then
    /// truly under way), still running: the moment the interruption tests send their signal.
    static func startUntilTemporaryOutput(
        _ arguments: [String], in folder: URL, standardError: Any = FileHandle.nullDevice
    ) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardError = standardError
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning,
            !((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains(where: {
                $0.contains(".veil-tmp-")
            })
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(process.isRunning, "the run finished before it could be interrupted")
        return process
    }

    /// A 30 s 640×480 clip: long enough that a run is still going when it is interrupted.
    static func longClip(in root: URL) throws -> URL {
        let input = root.appendingPathComponent("long.mp4")
        try ffmpeg([
            "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25:duration=30",
            "-c:v", "libx264", "-preset", "ultrafast", input.path,
        ])
        return input
    }

    @Test func ctrlCLeavesNothingUnderTheOutputName() throws {
        let root = try Self.directory()
        let input = try Self.longClip(in: root)
        let output = root.appendingPathComponent("out.mp4")
        let process = try Self.startUntilTemporaryOutput(
            ["anonymize", input.path, "-o", output.path, "--quiet", "--detect-stride", "1"], in: root)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["long.mp4"])
    }

    /// `sha256sum`'s digest of a file.
    static func sha256(_ url: URL) throws -> String {
        String(try ChildProcess.tool("sha256sum", [url.path]).stdoutText.prefix(64))
    }

    /// Every stderr line is a JSON event of schema version 1; the last one and only it is
    /// `done` (or `failed`) with the given exit code. Returns the events.
    @discardableResult
    static func expectEventStream(_ stderr: String, exitCode: Int, final: String = "done") throws -> [[String: Any]] {
        let lines = stderr.split(separator: "\n")
        var events: [[String: Any]] = []
        for line in lines {
            let event = try #require(
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(event["schemaVersion"] as? Int == 1)
            events.append(event)
        }
        let finals = events.filter { ["done", "failed"].contains($0["event"] as? String) }
        #expect(finals.count == 1)
        #expect(events.last?["event"] as? String == final)
        #expect(events.last?["exitCode"] as? Int == exitCode)
        return events
    }

    @Test(arguments: [
        ["render", "in.mp4", "--tracks", "t.json", "-o", "o.mp4", "--gpu"],
        ["render", "in.mp4", "--tracks", "t.json", "-o", "o.mp4", "--threshold", "0.3"],
        ["render", "in.mp4", "--tracks", "t.json", "-o", "o.mp4", "--detector", "yunet"],
        ["render", "in.mp4", "--tracks", "t.json", "-o", "o.mp4", "--detect-stride", "1"],
        ["detect", "in.mp4", "--tracks", "t.json", "--crf", "20"],
        ["detect", "in.mp4", "--tracks", "t.json", "--codec", "h265"],
        ["detect", "in.mp4", "--tracks", "t.json", "--mask", "fill"],
        ["detect", "in.mp4", "--tracks", "t.json", "--quality", "80"],
        ["evaluate", "data", "--crf", "20"],
        ["evaluate", "data", "--mask", "fill"],
        ["anonymize", "a.jpg", "-o", "b.jpg", "--shape", "polygon"],
        ["anonymize", "a.mp4", "-o", "b.mp4", "--lookahead-memory", "-1"],
        ["detect", "in.mp4", "--tracks", "t.json", "--lookahead-memory", "128"],
    ])
    func eachCommandRefusesOptionsItDoesNotUse(arguments: [String]) throws {
        let run = try Self.veil(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.hasPrefix("error: "), "\(run.stderr)")
    }

    @Test func shapeHelpListsOnlyTheShapesItAccepts() throws {
        let help = try Self.veil(["anonymize", "--help"], environment: ["COLUMNS": "200"])
        let line = try #require(help.stdout.split(separator: "\n").first { $0.contains("--shape <shape>") })
        #expect(line.contains("ellipse") && line.contains("box") && !line.contains("polygon"))
    }

    @Test func mistypedCommandSuggestsTheRightOne() throws {
        let run = try Self.veil(["anonymise", "a.jpg", "-o", "b.jpg"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("error: unknown command 'anonymise'; did you mean 'anonymize'?"))
        let far = try Self.veil(["blurify"])
        #expect(far.status == 2)
        #expect(far.stderr.contains("commands: anonymize, detect, render, evaluate, audit"))
    }

    @Test func helpListsEveryExitStatus() throws {
        let help = try Self.veil(["--help"])
        for status in ["0", "1", "2", "3", "130", "143"] {
            #expect(help.stdout.contains("\n  \(status) "), "exit status \(status) missing from --help")
        }
    }

    @Test func jsonProgressTurnsFailuresIntoEventsAndEndsWithDone() throws {
        let root = try Self.directory()
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.astronaut, to: inputs.appendingPathComponent("good.png"))
        try Data("not a picture".utf8).write(to: inputs.appendingPathComponent("bad.jpg"))
        let run = try Self.veil([
            "anonymize", inputs.path, "-o", root.appendingPathComponent("out").path, "--targets", "face",
            "--json-progress",
        ])
        #expect(run.status == 1)
        let events = try Self.expectEventStream(run.stderr, exitCode: 1)
        #expect(events.first?["event"] as? String == "start")
        #expect(events.first?["schema"] as? String == "veil-progress")
        #expect(events.contains { $0["event"] as? String == "error" && $0["file"] as? String == "bad.jpg" })
        let files = events.filter { $0["event"] as? String == "file" }
        #expect(files.count == 2)
        #expect(files.contains { $0["file"] as? String == "bad.jpg" && $0["status"] as? String == "failed" })
        #expect(files.contains { $0["file"] as? String == "good.png" && $0["status"] as? String == "ok" })
        #expect(events.last?["succeeded"] as? Int == 1)
        #expect(events.last?["failed"] as? Int == 1)
    }

    @Test(arguments: [["--mask", "smudge"], ["--quiet"]])
    func jsonProgressReportsUsageErrorsAsOneFailedEvent(arguments: [String]) throws {
        let run = try Self.veil(["anonymize", "a.jpg", "-o", "b.jpg", "--json-progress"] + arguments)
        #expect(run.status == 2)
        let events = try Self.expectEventStream(run.stderr, exitCode: 2, final: "failed")
        #expect(events.count == 1)
    }

    @Test func progressLineFitsTheTerminalAndShowsAnETA() throws {
        // `script` gives the run a terminal; COLUMNS=40 sets its width.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let root = try Self.directory()
        let input = root.appendingPathComponent("clip.mp4")
        try Self.ffmpeg([
            "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=20",
            "-c:v", "libx264", "-preset", "ultrafast", input.path,
        ])
        let output = root.appendingPathComponent("a-rather-long-output-name-for-the-clip.mp4")
        let command = [
            "env", "-u", "CI", "COLUMNS=40", Self.binary.path, "anonymize", input.path, "-o", output.path,
            "--targets", "face", "--detect-size", "256", "--coarse-size", "256",
        ].map { "'\($0)'" }.joined(separator: " ")
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
        let text = result.stdoutText
        #expect(result.status == 0, "\(text)")
        let redraws = text.components(separatedBy: "\r").map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") }
            .filter { $0.contains(" fps") }
        #expect(!redraws.isEmpty, "no progress line drawn: \(text)")
        #expect(redraws.contains { $0.contains("ETA ") }, "no ETA within the run: \(text)")
        for line in redraws {
            let drawn = line.split(separator: "\n").first.map(String.init) ?? line
            #expect(drawn.count <= 39, "\(drawn.count) columns: \(drawn)")
        }
    }

    @Test func sigtermExits143AndEndsTheEventStreamWithFailed() throws {
        let root = try Self.directory()
        let input = try Self.longClip(in: root)
        let output = root.appendingPathComponent("out.mp4")
        let err = Pipe()
        let process = try Self.startUntilTemporaryOutput(
            ["anonymize", input.path, "-o", output.path, "--json-progress", "--detect-stride", "1"], in: root,
            standardError: err)
        process.terminate()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        try Self.expectEventStream(stderr, exitCode: 143, final: "failed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["long.mp4"])
    }

    @Test func aRefusalInJSONModeIsOneFailedEventWithTheProblems() throws {
        let root = try Self.directory()
        for folder in ["ca", "cb"] {
            let url = root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.astronaut, to: url.appendingPathComponent("x.png"))
        }
        let run = try Self.veil([
            "anonymize", root.appendingPathComponent("ca/x.png").path, root.appendingPathComponent("cb/x.png").path,
            "-o", root.appendingPathComponent("out").path, "--json-progress",
        ])
        #expect(run.status == 2)
        let events = try Self.expectEventStream(run.stderr, exitCode: 2, final: "failed")
        #expect(events.count == 1)
        #expect((events.last?["message"] as? String)?.contains("conflict") == true)
    }
}
