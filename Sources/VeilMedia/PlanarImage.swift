public import VeilGeometry

/// How a video's Y′CbCr samples map to RGB: the luma weights of red and blue, and the range.
public struct ColorMatrix: Sendable, Hashable {
    /// Kr of the YCbCr matrix (0.2126 for BT.709).
    public var redWeight: Double
    /// Kb of the YCbCr matrix (0.0722 for BT.709).
    public var blueWeight: Double
    /// Samples use 0…255 (JPEG-style) rather than 16…235 (luma) and 16…240 (chroma).
    public var isFullRange: Bool

    /// A matrix from its weights and range.
    public init(redWeight: Double, blueWeight: Double, isFullRange: Bool) {
        self.redWeight = redWeight
        self.blueWeight = blueWeight
        self.isFullRange = isFullRange
    }

    /// Standard-definition video and JPEG (BT.601).
    public static let bt601 = ColorMatrix(redWeight: 0.299, blueWeight: 0.114, isFullRange: false)
    /// High-definition video (BT.709).
    public static let bt709 = ColorMatrix(redWeight: 0.2126, blueWeight: 0.0722, isFullRange: false)
    /// Ultra-high-definition video (BT.2020, non-constant luminance).
    public static let bt2020 = ColorMatrix(redWeight: 0.2627, blueWeight: 0.0593, isFullRange: false)

    /// The matrix FFmpeg names with an `AVColorSpace` value; unknown values fall back to BT.601,
    /// which is what FFmpeg's own converter assumes.
    public init(ffmpegColorspace: Int, isFullRange: Bool) {
        let base: ColorMatrix =
            switch ffmpegColorspace {
            case 1: .bt709
            case 9, 10: .bt2020
            default: .bt601
            }
        self.init(redWeight: base.redWeight, blueWeight: base.blueWeight, isFullRange: isFullRange)
    }

    /// The FFmpeg `AVColorSpace` value for this matrix (for converters that need it).
    public var ffmpegColorspace: Int {
        if self.sameWeights(as: .bt709) { return 1 }
        if self.sameWeights(as: .bt2020) { return 9 }
        return 5
    }

    private func sameWeights(as other: ColorMatrix) -> Bool {
        redWeight == other.redWeight && blueWeight == other.blueWeight
    }
}

/// An 8-bit Y′CbCr 4:2:0 picture, as video codecs store frames: a full-resolution luma plane and
/// two chroma planes at half resolution in each direction (rounded up), packed one after another
/// in one buffer without row padding.
///
/// Video frames stay in this form from decoder to encoder: it is half the size of BGR and needs
/// no conversion on either side. Masks are painted through small BGR crops (see
/// ``bgrCrop(x:y:width:height:)`` and ``replacePixels(from:x:y:columns:)``).
public struct PlanarImage: Sendable, Hashable {
    /// Width and height of the luma plane.
    public let size: PixelSize
    /// How the planes convert to RGB.
    public var matrix: ColorMatrix
    /// Y plane, then Cb, then Cr.
    public var planes: [UInt8]

    /// A picture from its three planes, stored one after another.
    public init(size: PixelSize, matrix: ColorMatrix, planes: [UInt8]) {
        precondition(planes.count == Self.byteCount(for: size), "plane bytes do not match the size")
        self.size = size
        self.matrix = matrix
        self.planes = planes
    }

    /// Converts a BGR image (chroma is the average of each 2×2 block).
    public init(_ image: Image, matrix: ColorMatrix = .bt601) {
        self.size = image.size
        self.matrix = matrix
        self.planes = [UInt8](repeating: 0, count: Self.byteCount(for: image.size))
        replacePixels(from: image, x: 0, y: 0) { _ in 0..<image.width }
    }

    /// Bytes of a picture of this size.
    public static func byteCount(for size: PixelSize) -> Int {
        size.width * size.height + 2 * chromaSize(for: size).width * chromaSize(for: size).height
    }

    static func chromaSize(for size: PixelSize) -> PixelSize {
        PixelSize(width: (size.width + 1) / 2, height: (size.height + 1) / 2)
    }

    /// Width in pixels.
    public var width: Int { size.width }
    /// Height in pixels.
    public var height: Int { size.height }
    var chromaWidth: Int { (size.width + 1) / 2 }
    var blueOffset: Int { size.width * size.height }
    var redOffset: Int { blueOffset + chromaWidth * ((size.height + 1) / 2) }

    /// The whole picture as BGR (each chroma sample covers its 2×2 block).
    public func bgrImage() -> Image {
        bgrCrop(x: 0, y: 0, width: size.width, height: size.height)
    }

    /// A BGR copy of a rectangle, which must lie inside the picture.
    public func bgrCrop(x: Int, y: Int, width: Int, height: Int) -> Image {
        precondition(x >= 0 && y >= 0 && width >= 0 && height >= 0, "negative rectangle")
        precondition(x + width <= size.width && y + height <= size.height, "rectangle outside the picture")
        let converter = Converter(matrix)
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            planes.withUnsafeBufferPointer { source in
                for row in 0..<height {
                    let lumaRow = (y + row) * size.width
                    let chromaRow = ((y + row) / 2) * chromaWidth
                    for column in 0..<width {
                        let luma = source[lumaRow + x + column]
                        let chroma = chromaRow + (x + column) / 2
                        let (blue, green, red) = converter.bgr(
                            luma: luma, blue: source[blueOffset + chroma], red: source[redOffset + chroma])
                        let target = (row * width + column) * 3
                        buffer[target] = blue
                        buffer[target + 1] = green
                        buffer[target + 2] = red
                    }
                }
            }
            count = width * height * 3
        }
        return Image(size: PixelSize(width: width, height: height), pixels: pixels)
    }

    /// Writes BGR pixels back: for each row of `image` (placed with its top-left at `x`, `y`),
    /// `columns(row)` gives the image columns to copy (nil: none). Luma is replaced exactly on
    /// those pixels; a chroma sample is replaced whenever any pixel of its 2×2 block is, from
    /// the average of that block in `image` (blocks on the image's edge use the pixels it has).
    public func replacingPixels(
        from image: Image,
        x: Int,
        y: Int,
        columns: (Int) -> Range<Int>?
    ) -> PlanarImage {
        var copy = self
        copy.replacePixels(from: image, x: x, y: y, columns: columns)
        return copy
    }

    /// In-place form of ``replacingPixels(from:x:y:columns:)``.
    public mutating func replacePixels(from image: Image, x: Int, y: Int, columns: (Int) -> Range<Int>?) {
        precondition(x >= 0 && y >= 0 && x + image.width <= size.width && y + image.height <= size.height)
        let converter = Converter(matrix)
        let chromaWidth = self.chromaWidth
        let blueOffset = self.blueOffset
        let redOffset = self.redOffset
        let pictureWidth = size.width
        // Chroma blocks touched, per block row: the hull of the two luma rows' spans (spans are
        // one range per row, so the hull adds at most blocks whose pixels are all unchanged).
        let firstBlockRow = y / 2
        var touched = [Range<Int>?](
            repeating: nil, count: image.height == 0 ? 0 : (y + image.height - 1) / 2 - firstBlockRow + 1)
        planes.withUnsafeMutableBufferPointer { target in
            image.pixels.withUnsafeBufferPointer { source in
                for row in 0..<image.height {
                    guard let span = columns(row) else { continue }
                    let lower = max(0, span.lowerBound)
                    let upper = min(image.width, span.upperBound)
                    guard lower < upper else { continue }
                    let lumaRow = (y + row) * pictureWidth + x
                    for column in lower..<upper {
                        let index = (row * image.width + column) * 3
                        target[lumaRow + column] = converter.luma(
                            blue: source[index], green: source[index + 1], red: source[index + 2])
                    }
                    let blocks = (x + lower) / 2..<(x + upper - 1) / 2 + 1
                    let slot = (y + row) / 2 - firstBlockRow
                    touched[slot] =
                        touched[slot].map {
                            min($0.lowerBound, blocks.lowerBound)..<max($0.upperBound, blocks.upperBound)
                        } ?? blocks
                }
                for (slot, blocks) in touched.enumerated() {
                    guard let blocks else { continue }
                    let blockRow = firstBlockRow + slot
                    for blockColumn in blocks {
                        let (cb, cr) = Self.averageChroma(
                            of: source, width: image.width, height: image.height,
                            x: blockColumn * 2 - x, y: blockRow * 2 - y, converter: converter)
                        target[blueOffset + blockRow * chromaWidth + blockColumn] = cb
                        target[redOffset + blockRow * chromaWidth + blockColumn] = cr
                    }
                }
            }
        }
    }

    /// Cb and Cr of the average colour of the 2×2 block at (`x`, `y`) in a BGR buffer, using
    /// the block's pixels that lie inside it.
    private static func averageChroma(
        of source: UnsafeBufferPointer<UInt8>,
        width: Int,
        height: Int,
        x: Int,
        y: Int,
        converter: Converter
    ) -> (UInt8, UInt8) {
        var (blue, green, red, count) = (0, 0, 0, 0)
        for row in max(0, y)..<min(height, y + 2) {
            for column in max(0, x)..<min(width, x + 2) {
                let index = (row * width + column) * 3
                blue += Int(source[index])
                green += Int(source[index + 1])
                red += Int(source[index + 2])
                count += 1
            }
        }
        guard count > 0 else { return (128, 128) }
        let scale = 1 / Double(count)
        return converter.chroma(blue: Double(blue) * scale, green: Double(green) * scale, red: Double(red) * scale)
    }
}

/// Y′CbCr ↔ BGR arithmetic for one matrix and range, in 16-bit fixed point (exact to within
/// one level of the floating-point formulas; masks are noise anyway).
private struct Converter {
    private static let shift = 16
    private static let half = 1 << 15
    // Y′CbCr → RGB.
    let lumaOffset: Int
    let lumaGain: Int
    let redFromCr: Int
    let greenFromCb: Int
    let greenFromCr: Int
    let blueFromCb: Int
    // RGB → Y′CbCr (offsets already include the rounding half).
    let lumaWeights: (red: Int, green: Int, blue: Int)
    let lumaBias: Int
    let cbWeights: (red: Double, green: Double, blue: Double)
    let crWeights: (red: Double, green: Double, blue: Double)

    init(_ matrix: ColorMatrix) {
        let kr = matrix.redWeight
        let kb = matrix.blueWeight
        let kg = 1 - kr - kb
        let lumaScale = matrix.isFullRange ? 1 : 219.0 / 255.0
        let chromaScale = matrix.isFullRange ? 1 : 224.0 / 255.0
        let one = Double(1 << Self.shift)
        func fixed(_ value: Double) -> Int { Int((value * one).rounded()) }
        lumaOffset = matrix.isFullRange ? 0 : 16
        lumaGain = fixed(1 / lumaScale)
        redFromCr = fixed(2 * (1 - kr) / chromaScale)
        blueFromCb = fixed(2 * (1 - kb) / chromaScale)
        greenFromCb = fixed(kb * 2 * (1 - kb) / chromaScale / kg)
        greenFromCr = fixed(kr * 2 * (1 - kr) / chromaScale / kg)
        lumaWeights = (fixed(kr * lumaScale), fixed(kg * lumaScale), fixed(kb * lumaScale))
        lumaBias = (matrix.isFullRange ? 0 : 16 << Self.shift) + Self.half
        let cb = chromaScale / (2 * (1 - kb))
        let cr = chromaScale / (2 * (1 - kr))
        cbWeights = (-kr * cb, -kg * cb, (1 - kb) * cb)
        crWeights = ((1 - kr) * cr, -kg * cr, -kb * cr)
    }

    @inline(__always) func bgr(luma: UInt8, blue cb: UInt8, red cr: UInt8) -> (UInt8, UInt8, UInt8) {
        let y = (Int(luma) - lumaOffset) * lumaGain + Self.half
        let pb = Int(cb) - 128
        let pr = Int(cr) - 128
        let red = (y + redFromCr * pr) >> Self.shift
        let green = (y - greenFromCb * pb - greenFromCr * pr) >> Self.shift
        let blue = (y + blueFromCb * pb) >> Self.shift
        return (Self.clamped(blue), Self.clamped(green), Self.clamped(red))
    }

    @inline(__always) func luma(blue: UInt8, green: UInt8, red: UInt8) -> UInt8 {
        let y = lumaWeights.red * Int(red) + lumaWeights.green * Int(green) + lumaWeights.blue * Int(blue) + lumaBias
        return Self.clamped(y >> Self.shift)
    }

    func chroma(blue: Double, green: Double, red: Double) -> (UInt8, UInt8) {
        let cb = cbWeights.red * red + cbWeights.green * green + cbWeights.blue * blue + 128.5
        let cr = crWeights.red * red + crWeights.green * green + crWeights.blue * blue + 128.5
        return (Self.clamped(Int(cb)), Self.clamped(Int(cr)))
    }

    @inline(__always) static func clamped(_ value: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : (value > 255 ? 255 : value))
    }
}
