/// What a mask does to the pixels it covers.
public enum MaskStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// The default: the region is reduced to a coarse grid (at most ``MaskSettings/layeredCells``
    /// cells across the object), each cell's colour pulled towards the region's mean and
    /// perturbed with random noise, then interpolated and smoothed so it looks like a blur. The
    /// output depends only on those few noisy numbers: no face detail survives and nothing can
    /// be "un-blurred".
    case layered
    /// A solid colour: nothing of the original survives.
    case fill
    /// Blocks of the mean colour, a fixed number across the object (not a fixed pixel size, so
    /// large faces get large blocks).
    case pixelate
    /// A Gaussian blur with sigma scaled to the object. Looks natural but can be partly reversed
    /// by AI restoration: use only where that risk is acceptable.
    case blur
    /// A synthetic face drawn on the detected landmarks (position, size, roll and rough gaze
    /// kept for analytics), over a layered background, then degraded again by a finer layered
    /// pass (defence in depth). Nothing of the person's pixels is used. Not photorealistic.
    /// Plates get `layered`.
    case surrogate
}

/// Tuning of each mask style; defaults are the documented guarantees.
public struct MaskSettings: Sendable, Hashable, Codable {
    /// Cells across the longer side of the object for `layered`. 8 keeps the eyes, nose and
    /// mouth inside at most a couple of cells each; fewer cells look blockier under the blur.
    public var layeredCells: Int = 8
    /// How much of each cell's own deviation from the region mean is kept (0…1); the rest is
    /// replaced by the mean, so cell-level contrast (the last trace of structure) is halved.
    public var layeredContrast: Double = 0.5
    /// Uniform noise added to each cell and channel, ± this many 8-bit levels.
    public var layeredNoise: Double = 24
    /// Smoothing sigma as a fraction of the cell size (hides the grid).
    public var layeredSmoothingFraction: Double = 0.5
    /// Blocks across the longer side for `pixelate`.
    public var pixelateBlocks: Int = 10
    /// Gaussian sigma as a fraction of the object's longer side for `blur`.
    public var blurSigmaFraction: Double = 0.125
    /// Cells across the object of the finer layered pass over a `surrogate` face: enough to
    /// keep its drawn features, coarse enough to blur their edges.
    public var surrogateCells: Int = 40
    /// Noise of that pass, ± levels.
    public var surrogateNoise: Double = 8
    /// The colour of `fill` (blue, green, red).
    public var fillColor: [UInt8] = [0, 0, 0]

    /// The documented defaults.
    public init() {}
}
