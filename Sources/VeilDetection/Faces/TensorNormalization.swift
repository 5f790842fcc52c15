internal import VeilGeometry
internal import VeilMedia

/// How pixels become a model's input values: channel order, per-channel mean, scale, and the
/// value of the canvas around the image.
struct TensorNormalization: Sendable, Hashable {
    /// The order of the input planes.
    var order: ChannelOrder
    /// Subtracted from each plane's pixel values (in plane order).
    var means: [Float]
    /// Multiplied after subtracting the mean.
    var scale: Float
    /// The canvas outside the image, in model units.
    var padding: Float
}

extension Image {
    /// The pixels as a planar (C×H×W) float tensor normalized by `normalization`, placed
    /// top-left in a `canvas`-sized tensor filled with its padding.
    ///
    /// - Complexity: O(canvas pixels).
    func planarTensor(normalization: TensorNormalization, canvas: PixelSize) -> [Float] {
        var tensor = [Float](repeating: normalization.padding, count: canvas.width * canvas.height * 3)
        tensor.withUnsafeMutableBufferPointer {
            writePlanarTensor(normalization: normalization, canvas: canvas, into: $0)
        }
        return tensor
    }

    /// Writes ``planarTensor(normalization:canvas:)`` into `target` (the canvas's three planes:
    /// every element written, padding included, so a reused buffer's old values do not leak
    /// through).
    ///
    /// - Complexity: O(canvas pixels).
    func writePlanarTensor(
        normalization: TensorNormalization, canvas: PixelSize, into target: UnsafeMutableBufferPointer<Float>
    ) {
        let plane = canvas.width * canvas.height
        precondition(target.count == plane * 3, "the tensor must hold the canvas's three planes")
        target.update(repeating: normalization.padding)
        // Source pixels are BGR: plane 0 reads channel 0 (blue) for BGR models, 2 (red) for RGB.
        let sources = normalization.order == .bgr ? [0, 1, 2] : [2, 1, 0]
        let scale = normalization.scale
        pixels.withUnsafeBufferPointer { source in
            for channel in 0..<3 {
                let offset = sources[channel]
                let mean = normalization.means[channel]
                let base = channel * plane
                for y in 0..<min(height, canvas.height) {
                    var sourceIndex = y * width * 3 + offset
                    let row = base + y * canvas.width
                    for x in 0..<min(width, canvas.width) {
                        target[row + x] = (Float(source[sourceIndex]) - mean) * scale
                        sourceIndex += 3
                    }
                }
            }
        }
    }
}
