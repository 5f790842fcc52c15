internal import CVeilDlib
public import VeilMedia

/// A restoration an adversary would try on an anonymized face before matching it against a
/// reference photo. Each runs on a crop around the face, in place.
///
/// ```swift
/// var crop = anonymized.cropped(to: face.expanded(byFraction: 1))
/// try ImageAttack.wienerDeconvolution(sigma: 4, noiseToSignal: 0.01).apply(to: &crop)
/// ```
public enum ImageAttack: Sendable, Hashable, CustomStringConvertible {
    /// Undoes a Gaussian blur of `sigma` pixels in the frequency domain; `noiseToSignal`
    /// regularizes (smaller restores more and amplifies noise and ringing more).
    case wienerDeconvolution(sigma: Double, noiseToSignal: Double)
    /// Iterative maximum-likelihood deblurring for a Gaussian of `sigma` pixels.
    case richardsonLucy(sigma: Double, iterations: Int)
    /// Shrinks by `factor` (area average), enlarges back bicubically and unsharp-masks
    /// (`sharpenSigma`, `sharpenAmount`): turns a mosaic into a smooth face, as a
    /// super-resolution attack would.
    case resampleSharpen(factor: Int, sharpenSigma: Double, sharpenAmount: Double)
    /// Edge-preserving denoising.
    case bilateralFilter(diameter: Int, sigmaColor: Double, sigmaSpace: Double)
    /// Removes impulse noise and small mask texture.
    case medianFilter(aperture: Int)
    /// Averages out per-pixel additive noise.
    case gaussianSmoothing(sigma: Double)

    /// The attacks the audit tries by default, and why each:
    /// - Wiener at σ 1, 2, 4, 8 and Richardson–Lucy at σ 2, 4: Gaussian blur is the most common
    ///   face mask and is partly invertible; the adversary does not know σ, so several are tried.
    /// - Resample ×2, ×4, ×8 + sharpen: mosaics of different cell sizes lose their block edges.
    /// - Bilateral, median 5, Gaussian σ 1.5: strip noise added on top of a mask.
    public static let standardSet: [ImageAttack] = [
        .wienerDeconvolution(sigma: 1, noiseToSignal: 0.01),
        .wienerDeconvolution(sigma: 2, noiseToSignal: 0.01),
        .wienerDeconvolution(sigma: 4, noiseToSignal: 0.01),
        .wienerDeconvolution(sigma: 8, noiseToSignal: 0.01),
        .richardsonLucy(sigma: 2, iterations: 30),
        .richardsonLucy(sigma: 4, iterations: 30),
        .resampleSharpen(factor: 2, sharpenSigma: 1, sharpenAmount: 1),
        .resampleSharpen(factor: 4, sharpenSigma: 1.5, sharpenAmount: 1),
        .resampleSharpen(factor: 8, sharpenSigma: 2, sharpenAmount: 1),
        .bilateralFilter(diameter: 9, sigmaColor: 50, sigmaSpace: 5),
        .medianFilter(aperture: 5),
        .gaussianSmoothing(sigma: 1.5),
    ]

    /// A short stable name for reports and tables ("wiener σ2", "resample ×4 + sharpen").
    public var description: String {
        switch self {
        case .wienerDeconvolution(let sigma, _): "wiener σ\(Self.format(sigma))"
        case .richardsonLucy(let sigma, let iterations): "richardson-lucy σ\(Self.format(sigma)) ×\(iterations)"
        case .resampleSharpen(let factor, _, _): "resample ÷\(factor) + sharpen"
        case .bilateralFilter(let diameter, _, _): "bilateral d\(diameter)"
        case .medianFilter(let aperture): "median \(aperture)"
        case .gaussianSmoothing(let sigma): "gaussian σ\(Self.format(sigma))"
        }
    }

    /// Applies the attack to a whole image in place.
    public func apply(to image: inout Image) throws(AuditError) {
        let width = Int32(image.width)
        let height = Int32(image.height)
        var error = CErrorBuffer()
        let status = image.pixels.withUnsafeMutableBufferPointer { buffer in
            let pixels = buffer.baseAddress
            return switch self {
            case .wienerDeconvolution(let sigma, let noiseToSignal):
                CVeilDlib_wienerDeconvolve(pixels, width, height, sigma, noiseToSignal, &error.bytes, error.bytes.count)
            case .richardsonLucy(let sigma, let iterations):
                CVeilDlib_richardsonLucy(
                    pixels, width, height, sigma, Int32(iterations), &error.bytes, error.bytes.count)
            case .resampleSharpen(let factor, let sharpenSigma, let sharpenAmount):
                CVeilDlib_resampleSharpen(
                    pixels, width, height, Int32(factor), sharpenSigma, sharpenAmount, &error.bytes, error.bytes.count
                )
            case .bilateralFilter(let diameter, let sigmaColor, let sigmaSpace):
                CVeilDlib_bilateralFilter(
                    pixels, width, height, Int32(diameter), sigmaColor, sigmaSpace, &error.bytes, error.bytes.count
                )
            case .medianFilter(let aperture):
                CVeilDlib_medianFilter(pixels, width, height, Int32(aperture), &error.bytes, error.bytes.count)
            case .gaussianSmoothing(let sigma):
                CVeilDlib_gaussianSmooth(pixels, width, height, sigma, &error.bytes, error.bytes.count)
            }
        }
        guard status == 0 else { throw .attackFailed(attack: description, reason: error.message) }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
