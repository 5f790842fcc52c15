import Testing
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTestSupport

/// Masks painted on video pictures (Y′CbCr 4:2:0) keep the guarantees they have on photos.
@Suite struct PlanarMaskingTests {
    static let size = PixelSize(width: 200, height: 160)
    static let ellipse = MaskRegion(box: Box(x: 41, y: 31, width: 119, height: 97), shape: .ellipse, objectClass: .face)

    static func picture() -> PlanarImage {
        PlanarImage(MaskGuaranteeTests.detailedImage(size: size), matrix: .bt709)
    }

    /// Luma indices (and chroma block indices) of the pixels the region's shape touches.
    static func touched(by region: MaskRegion) -> (luma: Set<Int>, blocks: Set<Int>) {
        var luma = Set<Int>()
        var blocks = Set<Int>()
        for y in 0..<size.height {
            for x in 0..<size.width where region.contains(Point(x: Double(x) + 0.5, y: Double(y) + 0.5)) {
                luma.insert(y * size.width + x)
                blocks.insert((y / 2) * (size.width / 2) + x / 2)
            }
        }
        return (luma, blocks)
    }

    @Test(arguments: MaskStyle.allCases)
    func samplesOutsideTheShapeAreBitIdentical(style: MaskStyle) throws {
        let original = Self.picture()
        var picture = original
        var generator = SplitMix64(seed: 3)
        try Masker(style: style).apply([Self.ellipse], to: &picture, using: &generator)
        // A pixel is outside when even its corners are outside the ellipse box's shape: check
        // the pixels the shape cannot touch (outside the box, one pixel of slack).
        let box = Self.ellipse.box
        let chromaPlane = Self.size.width * Self.size.height
        let chromaCount = (Self.size.width / 2) * (Self.size.height / 2)
        for y in 0..<Self.size.height {
            for x in 0..<Self.size.width {
                let outside =
                    Double(x + 1) < box.minX || Double(x) > box.maxX || Double(y + 1) < box.minY || Double(y) > box.maxY
                guard outside else { continue }
                #expect(picture.planes[y * Self.size.width + x] == original.planes[y * Self.size.width + x])
                let outsideBlock =
                    Double(x / 2 * 2 + 2) < box.minX || Double(x / 2 * 2) > box.maxX
                    || Double(y / 2 * 2 + 2) < box.minY || Double(y / 2 * 2) > box.maxY
                guard outsideBlock else { continue }
                let block = (y / 2) * (Self.size.width / 2) + x / 2
                #expect(picture.planes[chromaPlane + block] == original.planes[chromaPlane + block])
                #expect(
                    picture.planes[chromaPlane + chromaCount + block]
                        == original.planes[chromaPlane + chromaCount + block])
            }
        }
    }

    @Test func fillReplacesEveryPixelTheShapeTouches() throws {
        var picture = Self.picture()
        try Masker(style: .fill).apply([Self.ellipse], to: &picture)
        let (luma, _) = Self.touched(by: Self.ellipse)
        #expect(!luma.isEmpty)
        // Black in limited range is luma 16.
        #expect(luma.allSatisfy { picture.planes[$0] == 16 })
    }

    @Test(arguments: [MaskStyle.layered, .pixelate, .surrogate])
    func detailInsideTheShapeIsDestroyed(style: MaskStyle) throws {
        let original = Self.picture()
        var picture = original
        var generator = SplitMix64(seed: 5)
        try Masker(style: style).apply([Self.ellipse], to: &picture, using: &generator)
        let inner = MaskRegion(
            box: Self.ellipse.box.expanded(byFraction: -0.2), shape: .ellipse, objectClass: .face)
        let (luma, _) = Self.touched(by: inner)
        // The card alternates between stripes every two pixels; a mask leaves no such edges:
        // horizontal neighbours inside differ far less than in the original.
        func meanStep(_ planes: [UInt8]) -> Double {
            let steps = luma.filter { luma.contains($0 + 1) }.map { abs(Int(planes[$0]) - Int(planes[$0 + 1])) }
            return Double(steps.reduce(0, +)) / Double(max(1, steps.count))
        }
        #expect(meanStep(picture.planes) < meanStep(original.planes) / 4)
    }

    @Test(arguments: [ColorMatrix.bt709, ColorMatrix(redWeight: 0.299, blueWeight: 0.114, isFullRange: true)])
    func layeredKeepsAFlatColourWithoutNoise(matrix: ColorMatrix) throws {
        // Drawn straight into the planes, the layered mask converts cell means to BGR and its
        // canvas back: on a flat picture with no noise, every sample it writes keeps the colour.
        let original = PlanarImage(Image(size: Self.size, blue: 40, green: 120, red: 200), matrix: matrix)
        var picture = original
        var settings = MaskSettings()
        settings.layeredNoise = 0
        try Masker(style: .layered, settings: settings).apply([Self.ellipse], to: &picture)
        let differences = zip(picture.planes, original.planes).map { abs(Int($0) - Int($1)) }
        #expect(differences.max() ?? 0 <= 2)
    }

    @Test func layeredDependsOnlyOnCoarseCellsInPlanes() throws {
        // As on photos (MaskGuaranteeTests): two pictures whose detail differs but whose cell
        // means nearly agree give nearly the same mask; the detail itself never reaches it.
        let size = PixelSize(width: 160, height: 160)
        let region = MaskRegion(box: Box(x: 0, y: 0, width: 160, height: 160), shape: .box, objectClass: .face)
        var first = PlanarImage(MaskGuaranteeTests.detailedImage(size: size, seed: 11), matrix: .bt709)
        var second = PlanarImage(MaskGuaranteeTests.detailedImage(size: size, seed: 12), matrix: .bt709)
        #expect(first != second)
        var firstGenerator = SplitMix64(seed: 5)
        var secondGenerator = SplitMix64(seed: 5)
        try Masker(style: .layered).apply([region], to: &first, using: &firstGenerator)
        try Masker(style: .layered).apply([region], to: &second, using: &secondGenerator)
        let largest = zip(first.planes, second.planes).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(largest <= 12)
    }

    @Test func regionsOnTheEdgeAndOddCoordinatesStayInside() throws {
        var picture = Self.picture()
        let regions = [
            MaskRegion(box: Box(x: -15, y: -9, width: 41, height: 33), shape: .ellipse, objectClass: .face),
            MaskRegion(box: Box(x: 187, y: 151, width: 40, height: 40), shape: .box, objectClass: .plate),
        ]
        try Masker(style: .layered).apply(regions, to: &picture)
        #expect(picture.planes.count == PlanarImage.byteCount(for: Self.size))
        try Masker(style: .fill).apply(regions, to: &picture)
        #expect(picture.planes[0] == 16)
        #expect(picture.planes[Self.size.width * Self.size.height - 1] == 16)
    }

    @Test func aNoiseKeyGivesTheSameMaskEveryTime() throws {
        // Video keys the noise per track: the same face on two frames gets the same noise, so
        // averaging frames cannot cancel it and the encoder sees no flicker.
        let masker = Masker(style: .layered)
        var first = Self.picture()
        var second = Self.picture()
        var other = Self.picture()
        var unkeyed = Self.picture()
        try masker.apply([Self.ellipse], to: &first, noiseKeys: [42])
        try masker.apply([Self.ellipse], to: &second, noiseKeys: [42])
        try masker.apply([Self.ellipse], to: &other, noiseKeys: [43])
        try masker.apply([Self.ellipse], to: &unkeyed, noiseKeys: [nil])
        #expect(first == second)
        #expect(first != other)
        #expect(first != unkeyed)
        #expect(KeyedNoise.key(secret: 1, member: 7) != KeyedNoise.key(secret: 2, member: 7))
        #expect(KeyedNoise.key(secret: 1, member: 7) != KeyedNoise.key(secret: 1, member: 8))
    }
}
