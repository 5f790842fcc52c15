/// Where ONNX Runtime runs the detectors.
public enum ExecutionProvider: String, Sendable, Hashable, CaseIterable, Codable {
    /// The CPU (the default; the ONNX Runtime library Veil links).
    case cpu
    /// An NVIDIA GPU through ONNX Runtime's CUDA provider, from the GPU runtime `make setup-gpu`
    /// installs; fails loudly when there is no runtime, driver or device.
    case cuda
    /// NVIDIA TensorRT first, CUDA for what TensorRT cannot run. Engines are built on the first
    /// run of each model and input size (minutes) and cached in the user's cache folder
    /// (`~/.cache/veil/tensorrt`); needs TensorRT's libraries beside the GPU runtime.
    case tensorRT = "tensorrt"

    /// ONNX Runtime's names of the providers sessions are created with, in priority order.
    public var onnxRuntimeNames: [String] {
        switch self {
        case .cpu: ["CPUExecutionProvider"]
        case .cuda: ["CUDAExecutionProvider", "CPUExecutionProvider"]
        case .tensorRT: ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]
        }
    }

    /// Whether it runs on an NVIDIA GPU.
    public var usesGPU: Bool { self != .cpu }
}
