internal import CVeilORT
public import Foundation
internal import VeilMedia

/// How ONNX Runtime runs a model.
public struct InferenceOptions: Sendable, Hashable {
    /// Threads one inference may use; 0 lets ONNX Runtime decide (one per core).
    public var intraOpThreads: Int
    /// Keep idle ONNX Runtime threads spinning. Off by default: spinning threads steal the
    /// CPU that decoding, masking and encoding need (measured in DESIGN.md).
    public var allowsSpinning: Bool
    /// Where the models run: the CPU, or an NVIDIA GPU through the GPU runtime `make setup-gpu`
    /// installs (loading fails loudly, with the reason, when that is not possible).
    public var provider: ExecutionProvider
    /// TensorRT's engine cache (``ExecutionProvider/tensorRT``): built engines are kept here
    /// so later runs start in seconds; the user's cache folder by default.
    public var tensorRTCacheDirectory: URL

    /// The default engine cache: `$XDG_CACHE_HOME/veil/tensorrt`, else `~/.cache/veil/tensorrt`.
    public static var defaultTensorRTCacheDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        let cache =
            environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("veil/tensorrt")
    }

    /// Options; the defaults use every core, no spinning, the CPU.
    public init(
        intraOpThreads: Int = 0,
        allowsSpinning: Bool = false,
        provider: ExecutionProvider = .cpu,
        tensorRTCacheDirectory: URL = InferenceOptions.defaultTensorRTCacheDirectory
    ) {
        self.intraOpThreads = intraOpThreads
        self.allowsSpinning = allowsSpinning
        self.provider = provider
        self.tensorRTCacheDirectory = tensorRTCacheDirectory
    }

    /// Whether the models run on a GPU.
    public var usesGPU: Bool { provider.usesGPU }
}

/// A float tensor returned by a model.
public struct Tensor: Sendable {
    /// The tensor's dimensions.
    public var shape: [Int]
    /// Its values, row-major.
    public var values: [Float]
}

/// One loaded ONNX model.
///
/// `@unchecked Sendable`: the state is the ONNX Runtime session handle, set once in `init` and
/// freed in `deinit` (ONNX Runtime documents `Run` as safe to call concurrently on one
/// session), and the input scratch, which `lock` guards.
public final class InferenceSession: @unchecked Sendable {
    /// The ONNX file.
    public let modelURL: URL
    /// The model's outputs, in order.
    public let outputNames: [String]
    /// The declared input shape; symbolic dimensions are -1.
    public let inputShape: [Int]
    private let handle: OpaquePointer
    /// The input buffer reused from one run to the next (a 640 px frame's tensor is 2.7 MB: a
    /// fresh one per frame costs page faults and zeroing); a run that finds it taken by a
    /// concurrent caller uses a fresh buffer.
    private var scratch: [Float] = []
    private let lock = NSLock()

    /// ONNX Runtime's version string (the GPU runtime's once it is loaded).
    public static var runtimeVersion: String { String(cString: CVeilORT_version()) }

    /// Whether this ONNX Runtime build can run on an NVIDIA GPU.
    public static var hasGPUSupport: Bool { CVeilORT_hasCUDA() != 0 }

    /// The runtime and the execution providers the sessions of this process were created
    /// with, for reports: "onnxruntime 1.32.0 (CPUExecutionProvider)" or, after a `--gpu` run,
    /// "onnxruntime-gpu 1.31.1 (CUDAExecutionProvider, CPUExecutionProvider)".
    public static var providersUsed: [String] {
        let used = CVeilORT_providersUsed()
        var names: [String] = []
        if used & Int32(CVEIL_ORT_USED_TENSORRT) != 0 { names.append("TensorrtExecutionProvider") }
        if used & Int32(CVEIL_ORT_USED_CUDA) != 0 { names.append("CUDAExecutionProvider") }
        return names + ["CPUExecutionProvider"]
    }

    /// Loads the model at `modelURL`.
    ///
    /// With a GPU provider the GPU runtime is loaded first (once per process; see
    /// ``GPURuntime``); any reason it cannot run — no runtime installed, no driver, no device, a
    /// driver too old — is thrown as ``DetectionError/gpuUnavailable(reason:)``, never a silent
    /// fall-back to the CPU.
    public init(modelURL: URL, options: InferenceOptions = InferenceOptions()) throws(DetectionError) {
        if options.usesGPU {
            _ = try GPURuntime.loaded.get()
            if !Self.hasGPUSupport {
                throw .gpuUnavailable(
                    reason: "this ONNX Runtime (\(Self.runtimeVersion)) has no CUDA provider; run `make setup-gpu`")
            }
        }
        let cachePath = strdup(options.tensorRTCacheDirectory.path)
        defer { free(cachePath) }
        if options.provider == .tensorRT {
            do {
                try FileManager.default.createDirectory(
                    at: options.tensorRTCacheDirectory, withIntermediateDirectories: true)
            } catch {
                throw .gpuUnavailable(
                    reason: "cannot create TensorRT's engine cache \(options.tensorRTCacheDirectory.path): \(error)")
            }
        }
        var cOptions = CVeilORT_Options(
            intraOpThreads: Int32(options.intraOpThreads),
            allowSpinning: options.allowsSpinning ? 1 : 0,
            useCUDA: options.usesGPU ? 1 : 0,
            useTensorRT: options.provider == .tensorRT ? 1 : 0,
            tensorRTCachePath: UnsafePointer(cachePath)
        )
        var session: OpaquePointer?
        var error = CErrorBuffer()
        let status = CVeilORT_create(modelURL.path, &cOptions, &session, &error.bytes, error.bytes.count)
        guard status == 0, let session else {
            if options.usesGPU {
                throw .gpuUnavailable(
                    reason: "\(options.provider.onnxRuntimeNames[0]) on \(modelURL.lastPathComponent): \(error.message)"
                )
            }
            throw .modelLoadFailed(path: modelURL.path, reason: error.message)
        }
        handle = session
        self.modelURL = modelURL
        outputNames = (0..<CVeilORT_outputCount(session)).map { String(cString: CVeilORT_outputName(session, $0)) }
        var shape = [Int64](repeating: 0, count: Int(CVEIL_ORT_MAX_RANK))
        var rank = 0
        inputShape = CVeilORT_inputShape(session, &shape, &rank) == 0 ? shape.prefix(rank).map { Int($0) } : []
    }

    deinit { CVeilORT_destroy(handle) }

    /// Runs the model on a tensor that `fill` writes (every element: the buffer is reused and
    /// holds the previous run's values), in the session's reusable scratch buffer.
    ///
    /// The scratch only grows: a video's full and coarse passes (and the text detector's sizes)
    /// alternate input shapes on one session, and a buffer sized to each call was reallocated
    /// and zeroed on every switch (11 MB for a 1280 × 736 face pass; ~a third of the run's page
    /// faults, docs/BENCHMARKS.md). A call uses the first `count` elements.
    public func run(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) -> Void) throws(DetectionError)
        -> [String: Tensor]
    {
        let count = shape.reduce(1, *)
        var buffer = lock.withLock {
            defer { scratch = [] }
            return scratch
        }
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
        defer { lock.withLock { scratch = buffer } }
        return try buffer.withUnsafeMutableBufferPointer { (all) throws(DetectionError) in
            let used = UnsafeMutableBufferPointer(rebasing: all[0..<count])
            fill(used)
            return try run(values: UnsafeBufferPointer(used), shape: shape)
        }
    }

    /// Runs the model on one float tensor and returns every output by name.
    public func run(input: [Float], shape: [Int]) throws(DetectionError) -> [String: Tensor] {
        precondition(input.count == shape.reduce(1, *), "input size does not match its shape")
        return try input.withUnsafeBufferPointer { (values) throws(DetectionError) in
            try run(values: values, shape: shape)
        }
    }

    /// Runs the model on `values`, exactly `shape`'s element count of them.
    ///
    /// Contract with ONNX Runtime (`CreateTensorWithDataAsOrtValue` in the shim): the tensor
    /// borrows `values` for the duration of `Run` only and never writes to it; ORT needs no
    /// alignment beyond `float`'s for CPU input it does not own. Outputs are copied out before
    /// this returns, so no ORT memory outlives the call.
    private func run(values: UnsafeBufferPointer<Float>, shape: [Int]) throws(DetectionError) -> [String: Tensor] {
        precondition(values.count == shape.reduce(1, *), "input size does not match its shape")
        var outputs = [CVeilORT_Tensor](repeating: CVeilORT_Tensor(), count: outputNames.count)
        var error = CErrorBuffer()
        let dims = shape.map { Int64($0) }
        let status = CVeilORT_run(
            handle, values.baseAddress, dims, dims.count, &outputs, &error.bytes, error.bytes.count)
        guard status == 0 else {
            throw .inferenceFailed(model: modelURL.lastPathComponent, reason: error.message)
        }
        var result: [String: Tensor] = [:]
        for (index, name) in outputNames.enumerated() {
            var tensor = outputs[index]
            let shape = withUnsafeBytes(of: tensor.shape) { raw in
                Array(raw.bindMemory(to: Int64.self).prefix(tensor.rank)).map { Int($0) }
            }
            let values = tensor.data.map { Array(UnsafeBufferPointer(start: $0, count: tensor.count)) } ?? []
            CVeilORT_freeTensor(&tensor)
            result[name] = Tensor(shape: shape, values: values)
        }
        return result
    }
}
