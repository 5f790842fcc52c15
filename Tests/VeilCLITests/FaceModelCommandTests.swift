import Foundation
import Testing
import VeilTestSupport

/// The setup's venv Python (with onnx), which makes the synthetic models.
enum SetupPython {
    static let url =
        (ProcessInfo.processInfo.environment["HOME"].map { URL(filePath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser)
        .appending(path: ".cache/veil-setup/venv/bin/python")
    static let isInstalled = FileManager.default.isExecutableFile(atPath: url.path)
}

/// `--face-model` through the CLI, with the synthetic models of scripts/make_test_face_models.py.
@Suite(.enabled(if: SetupPython.isInstalled, "needs setup's venv with onnx; run `make setup`"))
struct FaceModelCommandTests {
    /// The models, generated once per test process.
    static let models: URL? = {
        let directory = FileManager.default.temporaryDirectory.appending(path: "veil-cli-face-models-\(UUID())")
        let result = try? ChildProcess.run(
            SetupPython.url,
            [GPUCommandTests.root.appending(path: "scripts/make_test_face_models.py").path, directory.path])
        return result?.status == 0 ? directory : nil
    }()

    @Test func aFaceModelReplacesTheFaceDetectorAndTheReportNamesItAndTheProvider() throws {
        let models = try #require(Self.models)
        let directory = try CLITests.directory()
        let report = directory.appending(path: "report.json")
        let run = try CLITests.veil([
            "anonymize", CLITests.astronaut.path, "-o", directory.appending(path: "o.png").path, "--targets", "face",
            "--face-model", models.appending(path: "scrfd.onnx").path, "--report", report.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(json["detector"] as? String == "face-model(SCRFD)")
        #expect((json["models"] as? [[String: Any]])?.first?["name"] as? String == "scrfd.onnx")
        #expect(json["executionProviders"] as? [String] == ["CPUExecutionProvider"])
        #expect((json["runtime"] as? String)?.hasPrefix("onnxruntime ") == true)
    }

    @Test func aModelOfNoKnownLayoutIsOneLineNamingItsShapes() throws {
        let models = try #require(Self.models)
        let directory = try CLITests.directory()
        let run = try CLITests.veil([
            "anonymize", CLITests.astronaut.path, "-o", directory.appending(path: "o.png").path,
            "--face-model", models.appending(path: "unknown_face.onnx").path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("expected RetinaFace") && run.stderr.contains("[1, 7, 100]"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
