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

/// A float tensor that owns its values (a decoder's test input, or a copy of a model's output
/// kept past ``InferenceSession/run(shape:fill:read:)``).
public struct Tensor: Sendable {
    /// The tensor's dimensions.
    public var shape: [Int]
    /// Its values, row-major.
    public var values: [Float]

    /// A tensor of `shape` holding `values`.
    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }

    /// A copy of a lent tensor.
    public init(copying view: TensorView) {
        self.init(shape: view.shape, values: Array(view.values))
    }
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
    /// holds the previous run's values), in the session's reusable scratch buffer, and lends
    /// the outputs to `read`.
    ///
    /// The scratch only grows: a video's full and coarse passes (and the text detector's sizes)
    /// alternate input shapes on one session, and a buffer sized to each call was reallocated
    /// and zeroed on every switch (11 MB for a 1280 × 736 face pass; ~a third of the run's page
    /// faults, docs/BENCHMARKS.md). A call uses the first `count` elements.
    ///
    /// - Parameters:
    ///   - shape: the input's shape.
    ///   - fill: writes the input; the buffer is `shape`'s element count long.
    ///   - read: reads the outputs in place (see ``run(values:shape:read:)`` for how long they live).
    public func run<Result>(
        shape: [Int],
        fill: (UnsafeMutableBufferPointer<Float>) -> Void,
        read: (InferenceOutputs) throws(DetectionError) -> Result
    ) throws(DetectionError) -> Result {
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
            return try run(values: UnsafeBufferPointer(used), shape: shape, read: read)
        }
    }

    /// Runs the model on one float tensor and lends the outputs to `read`.
    public func run<Result>(
        input: [Float], shape: [Int], read: (InferenceOutputs) throws(DetectionError) -> Result
    ) throws(DetectionError) -> Result {
        precondition(input.count == shape.reduce(1, *), "input size does not match its shape")
        return try input.withUnsafeBufferPointer { (values) throws(DetectionError) in
            try run(values: values, shape: shape, read: read)
        }
    }

    /// Runs the model on `values`, exactly `shape`'s element count of them, and lends the
    /// outputs to `read` without copying them.
    ///
    /// Contract with ONNX Runtime (`CVeilORT_run` in the shim):
    /// - Input: `CreateTensorWithDataAsOrtValue` wraps `values` without copying; ORT borrows
    ///   them for the duration of `Run` only and never writes them; it needs no alignment
    ///   beyond `float`'s for CPU input it does not own.
    /// - Outputs: each ``TensorView`` points into an OrtValue ORT allocated (CPU memory, 64-byte
    ///   aligned; a GPU provider's outputs are copied to the CPU by `Run`), typed float (the
    ///   shim refuses any other element type). The OrtValues are released when `read` returns
    ///   or throws, so the views must not escape `read`: decoders turn them into detections (or
    ///   copy them, ``Tensor/init(copying:)``) inside it. `read` must not write through them.
    private func run<Result>(
        values: UnsafeBufferPointer<Float>, shape: [Int], read: (InferenceOutputs) throws(DetectionError) -> Result
    ) throws(DetectionError) -> Result {
        precondition(values.count == shape.reduce(1, *), "input size does not match its shape")
        var tensors = [CVeilORT_Tensor](repeating: CVeilORT_Tensor(), count: outputNames.count)
        var outputs: OpaquePointer?
        var error = CErrorBuffer()
        let dims = shape.map { Int64($0) }
        let status = CVeilORT_run(
            handle, values.baseAddress, dims, dims.count, &tensors, &outputs, &error.bytes, error.bytes.count)
        guard status == 0 else {
            throw .inferenceFailed(model: modelURL.lastPathComponent, reason: error.message)
        }
        defer { CVeilORT_releaseOutputs(outputs) }
        let views = tensors.map { tensor in
            let shape = withUnsafeBytes(of: tensor.shape) { raw in
                raw.bindMemory(to: Int64.self).prefix(tensor.rank).map { Int($0) }
            }
            return TensorView(shape: shape, values: UnsafeBufferPointer(start: tensor.data, count: tensor.count))
        }
        return try read(InferenceOutputs(names: outputNames, tensors: views))
    }
}
