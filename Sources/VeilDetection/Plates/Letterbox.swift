internal import VeilGeometry
internal import VeilMedia

/// Where an image lands in a model's input when it is scaled to fit, keeping its aspect
/// ratio, and centred, the rest padded: what Ultralytics' `LetterBox(center=True)` does before
/// YOLO training and prediction.
///
/// ```swift
/// let letterbox = Letterbox(image: PixelSize(width: 640, height: 480), canvas: PixelSize(width: 320, height: 320))
/// // content 320×240, offset (0, 40): an input box maps back with
/// letterbox.imageBox(fromInput: Box(x: 120, y: 130, width: 80, height: 40))  // (240, 180, 160×80)
/// ```
struct Letterbox: Sendable, Hashable {
    /// The model input's size.
    let canvas: PixelSize
    /// The scaled image's size inside the canvas.
    let content: PixelSize
    /// The scaled image's top-left corner in the canvas: half the padding on each axis.
    let offsetX: Int
    let offsetY: Int
    /// Input pixels per image pixel on each axis (equal up to the rounding of `content`).
    let scaleX: Double
    let scaleY: Double

    init(image: PixelSize, canvas: PixelSize) {
        let scale = min(
            Double(canvas.width) / Double(image.width),
            Double(canvas.height) / Double(image.height)
        )
        func scaled(_ side: Int, limit: Int) -> Int { min(limit, max(1, Int((Double(side) * scale).rounded()))) }
        self.canvas = canvas
        content = PixelSize(
            width: scaled(image.width, limit: canvas.width),
            height: scaled(image.height, limit: canvas.height)
        )
        offsetX = (canvas.width - content.width) / 2
        offsetY = (canvas.height - content.height) / 2
        scaleX = Double(content.width) / Double(image.width)
        scaleY = Double(content.height) / Double(image.height)
    }

    /// A box in input coordinates mapped back to the image's.
    func imageBox(fromInput box: Box) -> Box {
        box.offsetBy(dx: -Double(offsetX), dy: -Double(offsetY)).scaled(x: 1 / scaleX, y: 1 / scaleY)
    }

    /// `image` (already resized to `content`) as a planar RGB float tensor of the canvas size,
    /// values 0…1, padded with `padding`.
    func planarRGBTensor(of image: Image, padding: Float) -> [Float] {
        var tensor = [Float](repeating: padding, count: canvas.width * canvas.height * 3)
        tensor.withUnsafeMutableBufferPointer { writePlanarRGBTensor(of: image, padding: padding, into: $0) }
        return tensor
    }

    /// Writes ``planarRGBTensor(of:padding:)`` into `target` (the canvas's three planes: every
    /// element written, padding included, so a reused buffer's old values do not leak through).
    func writePlanarRGBTensor(of image: Image, padding: Float, into target: UnsafeMutableBufferPointer<Float>) {
        precondition(image.size == content, "resize the image to the letterbox content first")
        let plane = canvas.width * canvas.height
        precondition(target.count == plane * 3, "the tensor must hold the canvas's three planes")
        target.update(repeating: padding)
        image.pixels.withUnsafeBufferPointer { source in
            for y in 0..<content.height {
                var sourceIndex = y * content.width * 3
                var targetIndex = (y + offsetY) * canvas.width + offsetX
                for _ in 0..<content.width {
                    // Source is BGR; the tensor's planes are R, G, B.
                    target[targetIndex] = Float(source[sourceIndex + 2]) / 255
                    target[plane + targetIndex] = Float(source[sourceIndex + 1]) / 255
                    target[2 * plane + targetIndex] = Float(source[sourceIndex]) / 255
                    sourceIndex += 3
                    targetIndex += 1
                }
            }
        }
    }
}
