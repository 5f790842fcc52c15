internal import VeilGeometry
internal import VeilMedia

/// Channel order a model expects.
enum ChannelOrder {
    case bgr
    case rgb
}

extension Image {
    /// Writes the pixels as a planar (C×H×W) float tensor of raw 0…255 values into `target`
    /// (3 × the canvas's pixels), placed top-left and padded with zeros. Every element is
    /// written, so a reused buffer needs no clearing first.
    func writePlanarTensor(order: ChannelOrder, canvas: PixelSize, into target: UnsafeMutableBufferPointer<Float>) {
        let plane = canvas.width * canvas.height
        precondition(target.count == plane * 3, "tensor buffer does not match the canvas")
        let (first, third) = order == .bgr ? (0, 2) : (2, 0)
        let rows = min(height, canvas.height)
        let columns = min(width, canvas.width)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<rows {
                var sourceIndex = y * width * 3
                let row = y * canvas.width
                for x in 0..<columns {
                    target[row + x] = Float(source[sourceIndex + first])
                    target[plane + row + x] = Float(source[sourceIndex + 1])
                    target[2 * plane + row + x] = Float(source[sourceIndex + third])
                    sourceIndex += 3
                }
                for channel in 0..<3 where columns < canvas.width {
                    let start = channel * plane + row + columns
                    target[start..<start + canvas.width - columns].update(repeating: 0)
                }
            }
            for channel in 0..<3 where rows < canvas.height {
                let start = channel * plane + rows * canvas.width
                target[start..<start + (canvas.height - rows) * canvas.width].update(repeating: 0)
            }
        }
    }
}
