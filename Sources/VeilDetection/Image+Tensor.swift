internal import VeilGeometry
internal import VeilMedia

/// Channel order a model expects.
enum ChannelOrder {
    case bgr
    case rgb
}

extension Image {
    /// The pixels as a planar (C×H×W) float tensor of raw 0…255 values, placed top-left in a
    /// `canvas`-sized tensor padded with zeros.
    func planarTensor(order: ChannelOrder, canvas: PixelSize) -> [Float] {
        let plane = canvas.width * canvas.height
        var tensor = [Float](repeating: 0, count: plane * 3)
        let (first, third) = order == .bgr ? (0, 2) : (2, 0)
        pixels.withUnsafeBufferPointer { source in
            tensor.withUnsafeMutableBufferPointer { target in
                for y in 0..<min(height, canvas.height) {
                    var sourceIndex = y * width * 3
                    let row = y * canvas.width
                    for x in 0..<min(width, canvas.width) {
                        target[row + x] = Float(source[sourceIndex + first])
                        target[plane + row + x] = Float(source[sourceIndex + 1])
                        target[2 * plane + row + x] = Float(source[sourceIndex + third])
                        sourceIndex += 3
                    }
                }
            }
        }
        return tensor
    }
}
