public import VeilGeometry
public import VeilMedia

/// A face-detection network run once on an image scaled by a given factor.
///
/// Implementations own their ONNX Runtime session and decode its raw outputs; the
/// ``ScaledDetector`` decides which scales and tiles to run them at.
public protocol FaceNetwork: Sendable {
    var name: String { get }
    var model: ModelFingerprint { get }
    /// The longest side (pixels) the network accepts at once.
    var maxInputSide: Int { get }
    /// Detections in `image`'s coordinates after running on the image scaled by `scale`.
    func detect(in image: Image, scale: Double) throws(DetectionError) -> [Detection]
}

extension FaceNetwork {
    /// The image resized by `scale` (no-op at 1), with the exact factors used per axis.
    func resized(_ image: Image, scale: Double) throws(DetectionError) -> (image: Image, scaleX: Double, scaleY: Double)
    {
        let size = PixelSize(
            width: max(1, Int((Double(image.width) * scale).rounded())),
            height: max(1, Int((Double(image.height) * scale).rounded()))
        )
        do {
            let resized = try image.resized(to: size, interpolation: scale < 1 ? .area : .linear)
            return (resized, Double(size.width) / Double(image.width), Double(size.height) / Double(image.height))
        } catch {
            throw .inferenceFailed(model: name, reason: error.description)
        }
    }
}
