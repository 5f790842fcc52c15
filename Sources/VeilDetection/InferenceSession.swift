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
    /// Run on the GPU through ONNX Runtime's CUDA provider; fails loudly when there is none.
    public var usesGPU: Bool

    /// Options; the defaults use every core, no spinning, the CPU.
    public init(intraOpThreads: Int = 0, allowsSpinning: Bool = false, usesGPU: Bool = false) {
        self.intraOpThreads = intraOpThreads
        self.allowsSpinning = allowsSpinning
        self.usesGPU = usesGPU
    }
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

    /// ONNX Runtime's version string.
    public static var runtimeVersion: String { String(cString: CVeilORT_version()) }

    /// Whether this ONNX Runtime build can run on an NVIDIA GPU.
    public static var hasGPUSupport: Bool { CVeilORT_hasCUDA() != 0 }

    /// Loads the model at `modelURL`.
    public init(modelURL: URL, options: InferenceOptions = InferenceOptions()) throws(DetectionError) {
        if options.usesGPU && !Self.hasGPUSupport {
            throw .gpuUnavailable(
                reason: "this ONNX Runtime (\(Self.runtimeVersion)) has no CUDA provider; install onnxruntime-gpu"
            )
        }
        var cOptions = CVeilORT_Options(
            intraOpThreads: Int32(options.intraOpThreads),
            allowSpinning: options.allowsSpinning ? 1 : 0,
            useCUDA: options.usesGPU ? 1 : 0
        )
        var session: OpaquePointer?
        var error = CErrorBuffer()
        let status = CVeilORT_create(modelURL.path, &cOptions, &session, &error.bytes, error.bytes.count)
        guard status == 0, let session else {
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
    public func run(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) -> Void) throws(DetectionError)
        -> [String: Tensor]
    {
        let count = shape.reduce(1, *)
        var buffer = lock.withLock {
            defer { scratch = [] }
            return scratch
        }
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
        buffer.withUnsafeMutableBufferPointer { fill($0) }
        defer { lock.withLock { scratch = buffer } }
        return try run(input: buffer, shape: shape)
    }

    /// Runs the model on one float tensor and returns every output by name.
    public func run(input: [Float], shape: [Int]) throws(DetectionError) -> [String: Tensor] {
        precondition(input.count == shape.reduce(1, *), "input size does not match its shape")
        var outputs = [CVeilORT_Tensor](repeating: CVeilORT_Tensor(), count: outputNames.count)
        var error = CErrorBuffer()
        let dims = shape.map { Int64($0) }
        let status = input.withUnsafeBufferPointer { values in
            CVeilORT_run(handle, values.baseAddress, dims, dims.count, &outputs, &error.bytes, error.bytes.count)
        }
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
