internal import CVeilImage
public import VeilGeometry
public import VeilMedia

/// Paints masks into images.
///
/// ```swift
/// var image = try ImageCodec.read(url)
/// let regions = MaskPlanner().regions(for: detections, in: image.size)
/// try Masker(style: .layered).apply(regions, to: &image)
/// ```
public struct Masker: Sendable, Hashable {
    /// The mask style.
    public var style: MaskStyle
    /// Its parameters.
    public var settings: MaskSettings

    /// A masker.
    public init(style: MaskStyle = .layered, settings: MaskSettings = MaskSettings()) {
        self.style = style
        self.settings = settings
    }

    /// Masks every region, using the system's cryptographic random source for noise.
    public func apply(_ regions: [MaskRegion], to image: inout Image) throws(MaskingError) {
        var generator = SystemRandomNumberGenerator()
        try apply(regions, to: &image, using: &generator)
    }

    /// Masks every region with noise drawn from `generator` (tests pass a seeded one).
    ///
    /// - Complexity: O(pixels covered by the regions).
    public func apply<Generator: RandomNumberGenerator>(
        _ regions: [MaskRegion],
        to image: inout Image,
        using generator: inout Generator
    ) throws(MaskingError) {
        for region in regions {
            try paint(region, among: regions, into: &image, using: &generator)
        }
    }

    /// Masks one region; `regions` (which may include it) tell a part of a face from a whole one.
    func paint<Generator: RandomNumberGenerator>(
        _ region: MaskRegion,
        among regions: [MaskRegion],
        into image: inout Image,
        using generator: inout Generator
    ) throws(MaskingError) {
        let region = region.bounded(within: image.size)
        guard let rect = PixelRect(covering: region.box, in: image.size) else { return }
        var canvas = try maskedCanvas(for: rect, objectBox: region.box, in: image, using: &generator)
        if style == .surrogate, region.objectClass == .face, let landmarks = region.landmarks,
            !Self.isPartOfLargerFace(region, among: regions)
        {
            try drawSurrogate(
                on: &canvas, rect: rect, objectBox: region.box, landmarks: landmarks, using: &generator)
        }
        composite(canvas, into: &image, rect: rect, region: region)
    }

    /// The replacement pixels for a rectangle (same size as the rectangle).
    private func maskedCanvas<Generator: RandomNumberGenerator>(
        for rect: PixelRect,
        objectBox: Box,
        in image: Image,
        using generator: inout Generator
    ) throws(MaskingError) -> Image {
        let longerSide = max(objectBox.width, objectBox.height)
        switch style {
        case .fill:
            let color = settings.fillColor + [0, 0, 0]
            return Image(size: rect.size, blue: color[0], green: color[1], red: color[2])
        case .pixelate:
            let blockSide = max(1, Int((longerSide / Double(max(1, settings.pixelateBlocks))).rounded(.up)))
            let grid = CellGrid(of: image, rect: rect, cellSide: blockSide)
            return grid.blocks(size: rect.size)
        case .layered, .surrogate:
            let cellSide = max(1, Int((longerSide / Double(max(1, settings.layeredCells))).rounded(.up)))
            var grid = CellGrid(of: image, rect: rect, cellSide: cellSide)
            grid.flatten(keeping: settings.layeredContrast)
            grid.perturb(amplitude: settings.layeredNoise, using: &generator)
            // The canvas is smooth by construction, so it is drawn and smoothed small and then
            // enlarged: a large face's sigma would otherwise cost a very wide blur kernel.
            let scale = min(1, Self.workingCellSide / Double(cellSide))
            var canvas = grid.interpolated(size: Self.scaled(rect.size, by: scale), scale: scale)
            try blur(&canvas, sigma: Double(cellSide) * scale * settings.layeredSmoothingFraction)
            return try enlarged(canvas, to: rect.size)
        case .blur:
            let sigma = max(1, longerSide * settings.blurSigmaFraction)
            let crop = image.cropped(to: rect.box)
            guard sigma > Self.largestDirectSigma else {
                var canvas = crop
                try blur(&canvas, sigma: sigma)
                return canvas
            }
            // Downscale → blur → upscale equals a wide blur to within a level or two, far faster.
            let scale = Self.largestDirectSigma / sigma
            var canvas = try resized(crop, to: Self.scaled(rect.size, by: scale), interpolation: .area)
            try blur(&canvas, sigma: Self.largestDirectSigma)
            return try enlarged(canvas, to: rect.size)
        }
    }

    /// Whether a face region's centre lies inside a larger face region: a detector's box on
    /// part of a face (a chin, a mouth) gets no second synthetic face, only the layered mask.
    static func isPartOfLargerFace(_ region: MaskRegion, among regions: [MaskRegion]) -> Bool {
        regions.contains { other in
            other.objectClass == .face && other.box.area > region.box.area && other.contains(region.box.center)
        }
    }

    /// Draws the synthetic face on the (already layered) canvas and degrades it with a finer
    /// layered pass.
    private func drawSurrogate<Generator: RandomNumberGenerator>(
        on canvas: inout Image,
        rect: PixelRect,
        objectBox: Box,
        landmarks: [Point],
        using generator: inout Generator
    ) throws(MaskingError) {
        let local = landmarks.map { $0.offsetBy(dx: -Double(rect.x), dy: -Double(rect.y)) }
        SurrogateFace(landmarks: local).draw(on: &canvas)
        let whole = PixelRect(covering: canvas.size.bounds, in: canvas.size)!
        let cellSide = max(
            1, Int((max(objectBox.width, objectBox.height) / Double(max(1, settings.surrogateCells))).rounded(.up)))
        var grid = CellGrid(of: canvas, rect: whole, cellSide: cellSide)
        grid.perturb(amplitude: settings.surrogateNoise, using: &generator)
        var degraded = grid.interpolated(size: canvas.size)
        try blur(&degraded, sigma: Double(cellSide) * settings.layeredSmoothingFraction)
        canvas = degraded
    }

    /// Cell size (pixels) the layered canvas is drawn at before being enlarged.
    static let workingCellSide = 6.0
    /// Above this sigma, blurs run on a downscaled copy.
    static let largestDirectSigma = 6.0

    static func scaled(_ size: PixelSize, by scale: Double) -> PixelSize {
        PixelSize(
            width: max(1, Int((Double(size.width) * scale).rounded(.up))),
            height: max(1, Int((Double(size.height) * scale).rounded(.up)))
        )
    }

    private func enlarged(_ canvas: Image, to size: PixelSize) throws(MaskingError) -> Image {
        try resized(canvas, to: size, interpolation: .linear)
    }

    private func resized(_ canvas: Image, to size: PixelSize, interpolation: Interpolation) throws(MaskingError)
        -> Image
    {
        do {
            return try canvas.resized(to: size, interpolation: interpolation)
        } catch {
            throw .imageOperationFailed(reason: error.description)
        }
    }

    func blur(_ canvas: inout Image, sigma: Double) throws(MaskingError) {
        let (width, height) = (Int32(canvas.width), Int32(canvas.height))
        var error = CErrorBuffer()
        let status = canvas.pixels.withUnsafeMutableBufferPointer { pixels in
            CVeilImage_gaussianBlur(
                pixels.baseAddress, width, height, 0, 0, width, height, sigma, &error.bytes, error.bytes.count
            )
        }
        guard status == 0 else { throw .imageOperationFailed(reason: error.message) }
    }

    /// Copies canvas pixels into the image wherever the region's shape touches a pixel.
    private func composite(_ canvas: Image, into image: inout Image, rect: PixelRect, region: MaskRegion) {
        let width = image.width
        image.pixels.withUnsafeMutableBufferPointer { target in
            canvas.pixels.withUnsafeBufferPointer { source in
                for row in 0..<rect.size.height {
                    let y = rect.y + row
                    guard let span = region.span(ofPixelRow: y, clippedTo: rect) else { continue }
                    let count = (span.upperBound - span.lowerBound) * 3
                    let targetStart = (y * width + span.lowerBound) * 3
                    let sourceStart = (row * rect.size.width + span.lowerBound - rect.x) * 3
                    for index in 0..<count {
                        target[targetStart + index] = source[sourceStart + index]
                    }
                }
            }
        }
    }
}
