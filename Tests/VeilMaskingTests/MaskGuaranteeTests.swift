import Testing
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTestSupport

/// Each mask's guarantee, checked as a property of the output pixels.
@Suite struct MaskGuaranteeTests {
    /// A detailed test card: fine stripes, checkerboard and noise (high-frequency content a
    /// face would have).
    static func detailedImage(size: PixelSize = PixelSize(width: 200, height: 160), seed: UInt64 = 7) -> Image {
        var generator = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let stripe: UInt8 = (x / 2 + y / 3) % 2 == 0 ? 200 : 40
                let checker: UInt8 = ((x / 5) + (y / 5)) % 2 == 0 ? 180 : 60
                let index = (y * size.width + x) * 3
                pixels[index] = stripe
                pixels[index + 1] = checker
                pixels[index + 2] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return Image(size: size, pixels: pixels)
    }

    static let region = MaskRegion(box: Box(x: 40, y: 30, width: 120, height: 100), shape: .box, objectClass: .face)

    @Test func fillIsConstant() throws {
        var image = Self.detailedImage()
        try Masker(style: .fill).apply([Self.region], to: &image)
        let values = Set(ImageMeasure.pixels(of: image, in: Self.region.box).map { "\($0.0),\($0.1),\($0.2)" })
        #expect(values == ["0,0,0"])
    }

    @Test(arguments: [MaskStyle.layered, .pixelate, .blur, .fill])
    func outsideTheRegionIsUntouched(style: MaskStyle) throws {
        let original = Self.detailedImage()
        var image = original
        var generator = SplitMix64(seed: 1)
        let ellipse = MaskRegion(box: Self.region.box, shape: .ellipse, objectClass: .face)
        try Masker(style: style).apply([ellipse], to: &image, using: &generator)
        for y in 0..<image.height {
            for x in 0..<image.width where !Self.region.box.expanded(byFraction: 0.01).contains(x: x, y: y) {
                #expect(image[x, y] == original[x, y])
            }
        }
        // The ellipse's centre is masked, the box corner outside the ellipse is not.
        #expect(image[100, 80] != original[100, 80] || style == .fill && original[100, 80] == (0, 0, 0))
        #expect(image[41, 31] == original[41, 31])
    }

    @Test func layeredLeavesNoHighFrequencyEnergy() throws {
        let original = Self.detailedImage()
        var image = original
        var generator = SplitMix64(seed: 3)
        try Masker(style: .layered).apply([Self.region], to: &image, using: &generator)
        let inner = Self.region.box.expanded(byFraction: -0.05)
        let before = ImageMeasure.highFrequencyEnergy(of: original, in: inner)
        let after = ImageMeasure.highFrequencyEnergy(of: image, in: inner)
        // A 3-level change per pixel is invisible; the card had thousands.
        #expect(after < 2, "high-frequency energy after layered: \(after)")
        #expect(before > 1000)
    }

    @Test func layeredCannotBeResharpened() throws {
        // Sharpening the output (unsharp mask, the first thing an attacker tries) must not bring
        // back the original's detail: the residual detail is uncorrelated with the original's.
        let original = Self.detailedImage()
        var image = original
        var generator = SplitMix64(seed: 4)
        try Masker(style: .layered).apply([Self.region], to: &image, using: &generator)
        let inner = Self.region.box.expanded(byFraction: -0.05)
        let originalDetail = ImageMeasure.laplacian(of: original, in: inner)
        let sharpened = ImageMeasure.unsharpMask(image, amount: 4)
        let recoveredDetail = ImageMeasure.laplacian(of: sharpened, in: inner)
        let correlation = ImageMeasure.correlation(originalDetail, recoveredDetail)
        #expect(abs(correlation) < 0.1, "correlation with the original's detail: \(correlation)")
    }

    @Test func layeredDependsOnlyOnCoarseCells() throws {
        // Two images with the same 8×8 cell means but different detail give outputs that differ
        // only by the noise: the detail itself never reaches the output.
        let size = PixelSize(width: 160, height: 160)
        let region = MaskRegion(box: Box(x: 0, y: 0, width: 160, height: 160), shape: .box, objectClass: .face)
        var first = Self.detailedImage(size: size, seed: 11)
        var second = Self.detailedImage(size: size, seed: 12)
        var firstGenerator = SplitMix64(seed: 5)
        var secondGenerator = SplitMix64(seed: 5)
        try Masker(style: .layered).apply([region], to: &first, using: &firstGenerator)
        try Masker(style: .layered).apply([region], to: &second, using: &secondGenerator)
        // Only the red channel (random noise) differs between the inputs; its cell means differ
        // by a few levels, so the outputs differ by at most a few levels.
        let largest = zip(first.pixels, second.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(largest <= 12)
    }

    @Test func pixelateUsesBlocksAcrossTheObject() throws {
        var image = Self.detailedImage()
        var settings = MaskSettings()
        settings.pixelateBlocks = 10
        try Masker(style: .pixelate, settings: settings).apply([Self.region], to: &image)
        // 120 px wide object / 10 blocks = 12 px blocks: every 12×12 block is one colour.
        let block = Box(x: 40, y: 30, width: 12, height: 12)
        #expect(Set(ImageMeasure.pixels(of: image, in: block).map { "\($0.0),\($0.1),\($0.2)" }).count == 1)
    }

    @Test func blurSigmaScalesWithObject() throws {
        // A blur is weaker on a small object and stronger on a large one: the remaining energy
        // fraction must be similar because sigma follows the object's size.
        let original = Self.detailedImage(size: PixelSize(width: 400, height: 400))
        var small = original
        var large = original
        let smallRegion = MaskRegion(box: Box(x: 10, y: 10, width: 40, height: 40), shape: .box, objectClass: .face)
        let largeRegion = MaskRegion(box: Box(x: 100, y: 100, width: 280, height: 280), shape: .box, objectClass: .face)
        try Masker(style: .blur).apply([smallRegion], to: &small)
        try Masker(style: .blur).apply([largeRegion], to: &large)
        let smallLeft = ImageMeasure.highFrequencyEnergy(of: small, in: smallRegion.box.expanded(byFraction: -0.2))
        let largeLeft = ImageMeasure.highFrequencyEnergy(of: large, in: largeRegion.box.expanded(byFraction: -0.2))
        #expect(smallLeft < 50 && largeLeft < 50)
    }

    @Test func regionsPartlyOutsideTheImageAreClipped() throws {
        var image = Self.detailedImage()
        let region = MaskRegion(box: Box(x: -50, y: -40, width: 120, height: 100), shape: .ellipse, objectClass: .face)
        try Masker(style: .fill).apply([region], to: &image)
        #expect(image[5, 5] == (0, 0, 0))
        let outside = MaskRegion(box: Box(x: 500, y: 500, width: 10, height: 10), shape: .box, objectClass: .face)
        try Masker(style: .fill).apply([outside], to: &image)
    }
}

extension Box {
    func contains(x: Int, y: Int) -> Bool {
        Double(x) + 1 > minX && Double(x) < maxX && Double(y) + 1 > minY && Double(y) < maxY
    }
}
