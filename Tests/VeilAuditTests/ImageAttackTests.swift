import Testing
import VeilAudit
import VeilGeometry
import VeilMedia
import VeilTestSupport

@Suite("ImageAttack")
struct ImageAttackTests {
    /// A seeded random pattern of 4 × 4 px squares: sharp edges that blur visibly.
    static func pattern(size: Int = 96) -> Image {
        var generator = SplitMix64(seed: 7)
        let side = (size + 3) / 4
        let cells = (0..<side * side).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var pixels: [UInt8] = []
        for y in 0..<size {
            for x in 0..<size {
                let value = cells[(y / 4) * side + x / 4]
                pixels += [value, value, value]
            }
        }
        return Image(size: PixelSize(width: size, height: size), pixels: pixels)
    }

    /// Mean absolute difference over the central half (edges are where every method is weakest).
    static func error(_ a: Image, _ b: Image) -> Double {
        var sum = 0.0
        var count = 0
        for y in a.height / 4..<3 * a.height / 4 {
            for x in a.width / 4..<3 * a.width / 4 {
                sum += abs(a.luma(x: x, y: y) - b.luma(x: x, y: y))
                count += 1
            }
        }
        return sum / Double(count)
    }

    @Test(arguments: [
        ImageAttack.wienerDeconvolution(sigma: 1.5, noiseToSignal: 0.001),
        .richardsonLucy(sigma: 1.5, iterations: 30),
    ])
    func deconvolutionUndoesPartOfABlur(attack: ImageAttack) throws {
        let sharp = Self.pattern()
        var blurred = sharp
        try ImageAttack.gaussianSmoothing(sigma: 1.5).apply(to: &blurred)
        var restored = blurred
        try attack.apply(to: &restored)
        let before = Self.error(blurred, sharp)
        let after = Self.error(restored, sharp)
        #expect(after < 0.8 * before, "\(attack): error \(before) → \(after)")
    }

    @Test func denoisingRemovesAddedNoise() throws {
        let clean = Image(size: PixelSize(width: 64, height: 64), blue: 120, green: 120, red: 120)
        var noisy = clean
        var generator = SplitMix64(seed: 11)
        for index in noisy.pixels.indices {
            noisy.pixels[index] = UInt8(
                clamping: Int(noisy.pixels[index]) + Int.random(in: -30...30, using: &generator))
        }
        for attack in [
            ImageAttack.medianFilter(aperture: 5), .gaussianSmoothing(sigma: 1.5),
            .bilateralFilter(diameter: 9, sigmaColor: 50, sigmaSpace: 5),
        ] {
            var denoised = noisy
            try attack.apply(to: &denoised)
            #expect(Self.error(denoised, clean) < 0.6 * Self.error(noisy, clean), "\(attack)")
        }
    }

    @Test(arguments: ImageAttack.standardSet)
    func everyStandardAttackKeepsTheSize(attack: ImageAttack) throws {
        var image = Self.pattern(size: 50)
        try attack.apply(to: &image)
        #expect(image.size == PixelSize(width: 50, height: 50))
    }

    @Test func badParametersBecomeErrors() {
        var image = Self.pattern(size: 16)
        #expect(throws: AuditError.self) { try ImageAttack.medianFilter(aperture: 4).apply(to: &image) }
        #expect(throws: AuditError.self) {
            try ImageAttack.wienerDeconvolution(sigma: 0, noiseToSignal: 0.01).apply(to: &image)
        }
        #expect(throws: AuditError.self) { try ImageAttack.richardsonLucy(sigma: 2, iterations: 0).apply(to: &image) }
    }

    @Test func namesAreShortAndDistinct() {
        let names = ImageAttack.standardSet.map(\.description)
        #expect(Set(names).count == names.count)
        #expect(names.contains("wiener σ2"))
        #expect(names.contains("resample ÷4 + sharpen"))
    }
}
