import Foundation
import Testing

@testable import VeilDetection

/// What can be checked of the GPU path on a machine without a GPU: where the runtime is looked
/// for, what the manifest says, and the reasons given when it cannot run. No test here switches
/// the process's ONNX Runtime.
@Suite struct GPURuntimeTests {
    static let hasDriver = ["/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1"].contains {
        FileManager.default.fileExists(atPath: $0)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "veil-gpu-runtime-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theManifestSaysWhatToLoad() throws {
        let empty = try Self.temporaryDirectory()
        let installed = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        defer { try? FileManager.default.removeItem(at: installed) }
        let manifest = """
            {"version": "1.31.1", "cudaMajor": 13, "library": "onnxruntime/capi/libonnxruntime.so.1.31.1",
             "preload": ["nvidia/cu13/lib/libcudart.so.13", "nvidia/cudnn/lib/libcudnn.so.9"]}
            """
        try Data(manifest.utf8).write(to: installed.appending(path: GPURuntime.manifestName))
        let (runtime, directory) = try GPURuntime.installed(in: [empty, installed])
        #expect(directory == installed)
        #expect(runtime.version == "1.31.1")
        #expect(runtime.cudaMajor == 13)
        #expect(runtime.preload.count == 2)
    }

    @Test func noRuntimeSaysWhereItLookedAndWhatToRun() throws {
        let empty = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect {
            _ = try GPURuntime.installed(in: [empty])
        } throws: { error in
            let message = (error as? DetectionError)?.description ?? ""
            return message.hasPrefix("GPU requested but unavailable: no GPU runtime installed")
                && message.contains(empty.path) && message.contains("make setup-gpu") && !message.contains("\n")
        }
    }

    @Test func aBrokenManifestIsNamed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"version\": 1}".utf8).write(to: directory.appending(path: GPURuntime.manifestName))
        #expect {
            _ = try GPURuntime.installed(in: [directory])
        } throws: { error in
            ((error as? DetectionError)?.description ?? "").contains("runtime.json cannot be read")
        }
    }

    @Test(.enabled(if: !hasDriver, "this machine has an NVIDIA driver"))
    func withoutADriverLoadingFailsBeforeTouchingONNXRuntime() throws {
        #expect(throws: DetectionError.gpuUnavailable(reason: "no NVIDIA driver (libcuda.so.1 cannot be loaded)")) {
            _ = try GPURuntime.driver()
        }
        let runtime = GPURuntime(version: "1.31.1", cudaMajor: 13, library: "missing.so", preload: [])
        #expect(throws: DetectionError.gpuUnavailable(reason: "no NVIDIA driver (libcuda.so.1 cannot be loaded)")) {
            try runtime.load(from: URL(filePath: "/nonexistent"))
        }
    }

    @Test func providersAreNamedAsONNXRuntimeNamesThem() {
        #expect(ExecutionProvider.cpu.onnxRuntimeNames == ["CPUExecutionProvider"])
        #expect(ExecutionProvider.cuda.onnxRuntimeNames.first == "CUDAExecutionProvider")
        #expect(
            ExecutionProvider.tensorRT.onnxRuntimeNames == [
                "TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider",
            ])
        #expect(InferenceOptions().provider == .cpu && !InferenceOptions().usesGPU)
        #expect(InferenceOptions.defaultTensorRTCacheDirectory.path.hasSuffix("veil/tensorrt"))
    }
}
