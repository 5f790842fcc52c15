import VeilAudit
import VeilGeometry
import VeilMedia
import VeilTestSupport

/// Stand-in masks for the audit's tests (Veil's real mask module is written separately; these
/// reproduce the kinds of masks it will offer, so the audit's verdicts can be checked).
enum TestMask: CustomStringConvertible, CaseIterable {
    /// Gaussian blur σ = 2 px: weak, known to be re-identifiable.
    case blurSigma2
    /// Gaussian blur σ = 8 px.
    case blurSigma8
    /// 8 × 8 mosaic of cell means, no noise.
    case pixelate8
    /// 8 × 8 cell means + seeded noise ±30 per cell, bilinear upsampling, Gaussian smoothing.
    case layered
    /// Solid grey.
    case solidFill

    /// How far the masked region extends beyond the face box on every side (the mask planner's
    /// margin): 25 % covers hair line, chin and ears of a detector's tight face box.
    static let marginFraction = 0.25
    /// Cells per side of the mosaic and layered masks.
    static let gridCells = 8
    /// Noise amplitude per cell and channel for the layered mask (levels of 255).
    static let noiseAmplitude = 30
    /// Seed for the layered mask's noise.
    static let noiseSeed: UInt64 = 0x5EED

    var description: String {
        switch self {
        case .blurSigma2: "blur σ2"
        case .blurSigma8: "blur σ8"
        case .pixelate8: "pixelate 8×8"
        case .layered: "layered 8×8+noise"
        case .solidFill: "solid fill"
        }
    }

    /// The image with the face masked.
    func apply(to image: Image, face: Box) throws -> Image {
        switch self {
        case .blurSigma2, .blurSigma8:
            // Blur a larger crop so the kernel sees real context, then paste only the face box.
            let sigma: Double = self == .blurSigma2 ? 2 : 8
            let region = face.clamped(to: image.size.bounds)
            let context = region.expanded(byFraction: 0.5).clamped(to: image.size.bounds)
            var crop = image.cropped(to: context)
            try ImageAttack.gaussianSmoothing(sigma: sigma).apply(to: &crop)
            let x0 = Int(context.minX.rounded(.down))
            let y0 = Int(context.minY.rounded(.down))
            let inner = crop.cropped(to: region.offsetBy(dx: Double(-x0), dy: Double(-y0)))
            return image.pasting(inner, x: Int(region.minX.rounded(.down)), y: Int(region.minY.rounded(.down)))
        case .pixelate8:
            let (region, x, y) = maskedRegion(of: face, in: image)
            let cells = try image.cropped(to: region).resized(
                to: PixelSize(width: Self.gridCells, height: Self.gridCells), interpolation: .area)
            let mosaic = try cells.resized(
                to: PixelSize(width: Int(region.width), height: Int(region.height)), interpolation: .nearest)
            return image.pasting(mosaic, x: x, y: y)
        case .layered:
            let (region, x, y) = maskedRegion(of: face, in: image)
            var cells = try image.cropped(to: region).resized(
                to: PixelSize(width: Self.gridCells, height: Self.gridCells), interpolation: .area)
            var generator = SplitMix64(seed: Self.noiseSeed)
            for index in cells.pixels.indices {
                let noise = Int.random(in: -Self.noiseAmplitude...Self.noiseAmplitude, using: &generator)
                cells.pixels[index] = UInt8(clamping: Int(cells.pixels[index]) + noise)
            }
            var layer = try cells.resized(
                to: PixelSize(width: Int(region.width), height: Int(region.height)), interpolation: .linear)
            // Smooth away the bilinear grid's ridges: a quarter of a cell.
            try ImageAttack.gaussianSmoothing(sigma: region.width / Double(Self.gridCells) / 4).apply(to: &layer)
            return image.pasting(layer, x: x, y: y)
        case .solidFill:
            let (region, x, y) = maskedRegion(of: face, in: image)
            let fill = Image(
                size: PixelSize(width: Int(region.width), height: Int(region.height)), blue: 128, green: 128, red: 128)
            return image.pasting(fill, x: x, y: y)
        }
    }

    /// The face box grown by the margin, clamped and snapped to whole pixels.
    private func maskedRegion(of face: Box, in image: Image) -> (Box, Int, Int) {
        let grown = face.expanded(byFraction: Self.marginFraction).clamped(to: image.size.bounds)
        let x0 = Int(grown.minX.rounded(.down))
        let y0 = Int(grown.minY.rounded(.down))
        let x1 = Int(grown.maxX.rounded(.up))
        let y1 = Int(grown.maxY.rounded(.up))
        return (Box(x: Double(x0), y: Double(y0), width: Double(x1 - x0), height: Double(y1 - y0)), x0, y0)
    }
}
