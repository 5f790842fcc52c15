import Foundation
import Testing
import VeilTestSupport

/// `--gpu`, `--tensorrt`, `--hwaccel cuda` and `make setup-gpu` on a machine that may have no GPU:
/// each fails with one line that says why, and writes nothing.
@Suite struct GPUCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let hasNVIDIASMI = ProcessInfo.processInfo.environment["PATH", default: ""].split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/nvidia-smi")
    }
    static let hasGPURuntime = FileManager.default.fileExists(
        atPath: "/usr/local/lib/veil/onnxruntime-gpu/runtime.json")

    /// Runs scripts/setup_gpu.sh with extra environment.
    static func setupGPU(_ environment: [String: String]) throws -> CLITests.Run {
        CLITests.Run(
            try ChildProcess.run(
                URL(fileURLWithPath: "/bin/bash"), [root.appending(path: "scripts/setup_gpu.sh").path],
                environment: environment))
    }

    @Test(arguments: ["--gpu", "--tensorrt"])
    func aGPURunWithoutAGPUFailsWithTheReasonAndWritesNothing(flag: String) throws {
        let directory = try CLITests.directory()
        let output = directory.appending(path: "o.png")
        let run = try CLITests.veil(["anonymize", CLITests.astronaut.path, "-o", output.path, flag])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("GPU requested but unavailable: "), "\(run.stderr)")
        if !Self.hasGPURuntime {
            #expect(run.stderr.contains("no GPU runtime installed") && run.stderr.contains("make setup-gpu"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func gpuAndCPUFlagsExcludeEachOther() throws {
        let directory = try CLITests.directory()
        let run = try CLITests.veil([
            "anonymize", CLITests.astronaut.path, "-o", directory.appending(path: "o.png").path, "--gpu", "--cpu",
        ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("'--cpu'") && run.stderr.contains("'--gpu'"), "\(run.stderr)")
    }

    @Test func setupRefusesAnUnknownCUDAVersionAndKnowsWhatIsInstalled() throws {
        let bad = try Self.setupGPU(["GPU_CUDA": "11"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("GPU_CUDA must be 12 or 13"), "\(bad.stderr)")

        // An install whose stamp matches the pinned requirements is left alone: no download.
        let prefix = try CLITests.directory()
        let target = prefix.appending(path: "lib/veil/onnxruntime-gpu")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let requirements = try Data(contentsOf: Self.root.appending(path: "scripts/gpu/requirements-cuda13.txt"))
        try Data((SHA256Hex.of(requirements) + "\n").utf8).write(to: target.appending(path: "requirements.sha256"))
        try Data("{}".utf8).write(to: target.appending(path: "runtime.json"))
        let again = try Self.setupGPU(["GPU_CUDA": "13", "VEIL_PREFIX": prefix.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("present"), "\(again.stdout)")
    }

    @Test(.enabled(if: !hasNVIDIASMI, "this machine has an NVIDIA driver: setup would download"))
    func setupWithoutADriverSaysSo() throws {
        let run = try Self.setupGPU(["GPU_CUDA": ""])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no NVIDIA driver found"), "\(run.stderr)")
    }
}

/// SHA-256 through the system's `sha256sum`, as setup_gpu.sh computes its stamp.
enum SHA256Hex {
    static func of(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appending(path: "veil-sha-\(UUID())")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [file.path]).stdoutText
        return String(text.prefix(64))
    }
}

/// `--hwaccel cuda` where the NVIDIA driver's video libraries are missing.
@Suite struct HardwareVideoTests {
    static let hasNVIDIAVideo = ["/usr/lib/x86_64-linux-gnu/libnvcuvid.so.1", "/usr/lib64/libnvcuvid.so.1"].contains {
        FileManager.default.fileExists(atPath: $0)
    }

    @Test(.enabled(if: !hasNVIDIAVideo, "this machine has NVIDIA's video libraries"))
    func hwaccelCudaWithoutTheDriverFailsWithTheReasonAndWritesNothing() throws {
        let directory = try CLITests.directory()
        let input = directory.appending(path: "in.mp4")
        try CLITests.ffmpeg([
            "-v", "error", "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=0.3", "-pix_fmt", "yuv420p",
            input.path,
        ])
        let output = directory.appending(path: "out.mp4")
        let run = try CLITests.veil([
            "anonymize", input.path, "-o", output.path, "--targets", "face", "--hwaccel", "cuda",
        ])
        #expect(run.status == 1)
        // One error line with the reason (then anonymize's usual "1 failed" summary).
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("(--hwaccel cuda) unavailable"), "\(run.stderr)")
        #expect(run.stderr.contains("libnvcuvid.so.1"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["in.mp4"])
    }
}
