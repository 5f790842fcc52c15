/// Which copy of a detector's weights runs.
///
/// `make setup` quantizes CenterFace to 8-bit integers (QDQ, per-channel weights, calibrated on
/// the installed fixture photos): on a CPU with AVX-512 VNNI it runs 2.0–2.1× faster with the
/// same recall on faces-masks-dev (docs/DECISIONS.md). Photos and video use it; `.float32`
/// stays available to library callers.
public enum ModelPrecision: String, Sendable, Hashable, CaseIterable {
    case float32
    case int8

    /// The file name of `model` ("centerface.onnx") in this precision ("centerface_int8.onnx").
    public func fileName(of model: String) -> String {
        switch self {
        case .float32: return model
        case .int8:
            let stem = model.hasSuffix(".onnx") ? String(model.dropLast(5)) : model
            return stem + "_int8.onnx"
        }
    }
}
