public import VeilGeometry
public import VeilMedia

extension Masker {
    /// Masks every region of a video picture (Y′CbCr 4:2:0), with the system's random source.
    public func apply(_ regions: [MaskRegion], to picture: inout PlanarImage) throws(MaskingError) {
        var generator = SystemRandomNumberGenerator()
        try apply(regions, to: &picture, using: &generator)
    }

    /// Masks every region of a video picture.
    ///
    /// The layered mask is drawn straight into the planes (``paintLayered(_:into:using:)``);
    /// other styles paint each region on a small BGR copy of the pixels around it, exactly as
    /// on a photo, and only the pixels its shape touches are written back: their luma, and the
    /// chroma of every 2×2 block that contains one of them (4:2:0 shares a colour sample per
    /// block). Pixels outside every shape keep their original samples, bit for bit.
    ///
    /// - Complexity: O(pixels covered by the regions), independent of the frame size.
    public func apply<Generator: RandomNumberGenerator>(
        _ regions: [MaskRegion],
        to picture: inout PlanarImage,
        using generator: inout Generator
    ) throws(MaskingError) {
        for region in regions {
            try paint(region, among: regions, into: &picture, using: &generator)
        }
    }

    /// Masks every region of a video picture; a region with a noise key draws its noise from
    /// that key instead of the system's random source.
    ///
    /// Video gives each track a key (derived from a secret drawn per run), so a tracked face
    /// keeps the same noise from frame to frame: the mask does not flicker, which costs the
    /// encoder far fewer bits, and averaging many frames cannot cancel the noise out (fresh
    /// noise per frame averages away and leaves the cell colours beneath).
    ///
    /// - Parameters:
    ///   - regions: what to mask, in the picture's pixels.
    ///   - picture: the frame, masked in place.
    ///   - noiseKeys: one entry per region (nil: system random source); missing entries count
    ///     as nil.
    public func apply(_ regions: [MaskRegion], to picture: inout PlanarImage, noiseKeys: [UInt64?])
        throws(MaskingError)
    {
        var system = SystemRandomNumberGenerator()
        for (index, region) in regions.enumerated() {
            if index < noiseKeys.count, let key = noiseKeys[index] {
                var keyed = KeyedNoise(key: key)
                try paint(region, among: regions, into: &picture, using: &keyed)
            } else {
                try paint(region, among: regions, into: &picture, using: &system)
            }
        }
    }

    private func paint<Generator: RandomNumberGenerator>(
        _ region: MaskRegion,
        among regions: [MaskRegion],
        into picture: inout PlanarImage,
        using generator: inout Generator
    ) throws(MaskingError) {
        let region = region.bounded(within: picture.size)
        // The layered mask (and a surrogate's plates and landmark-less faces, which get it)
        // is drawn straight into the planes at the grid's resolution.
        if style == .layered || (style == .surrogate && (region.objectClass != .face || region.landmarks == nil)) {
            return paintLayered(region, into: &picture, using: &generator)
        }
        guard let covered = PixelRect(covering: region.box, in: picture.size) else { return }
        // Even origin and size: each chroma block lies wholly inside or outside the crop.
        let x0 = covered.x & ~1
        let y0 = covered.y & ~1
        let x1 = min(picture.width, (covered.x + covered.size.width + 1) & ~1)
        let y1 = min(picture.height, (covered.y + covered.size.height + 1) & ~1)
        let rect = PixelRect(x: x0, y: y0, size: PixelSize(width: x1 - x0, height: y1 - y0))
        var crop = picture.bgrCrop(x: rect.x, y: rect.y, width: rect.size.width, height: rect.size.height)
        let own = region.offsetBy(dx: -Double(rect.x), dy: -Double(rect.y))
        // The surrogate face needs the other face regions, to tell a part of a face from a
        // whole one; only that check reads them.
        let others =
            style == .surrogate
            ? regions.map { $0.offsetBy(dx: -Double(rect.x), dy: -Double(rect.y)) } : []
        try paint(own, among: others, into: &crop, using: &generator)
        let whole = PixelRect(x: 0, y: 0, size: crop.size)
        picture.replacePixels(from: crop, x: rect.x, y: rect.y) { row in
            own.span(ofPixelRow: row, clippedTo: whole)
        }
    }
}

/// A deterministic random stream from a 64-bit key (SplitMix64): the same key gives the same
/// noise. Keys must be secret (video derives them from a per-run random value), or the noise
/// could be subtracted.
public struct KeyedNoise: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator seeded with `key`.
    public init(key: UInt64) { state = key }

    /// A key for one member of a family (a track) under a secret.
    public static func key(secret: UInt64, member: UInt64) -> UInt64 {
        var noise = KeyedNoise(key: secret ^ (member &* 0x9E37_79B9_7F4A_7C15))
        return noise.next()
    }

    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension MaskRegion {
    /// The same region moved by (`dx`, `dy`): box, landmarks and polygon.
    func offsetBy(dx: Double, dy: Double) -> MaskRegion {
        var moved = self
        moved.box = box.offsetBy(dx: dx, dy: dy)
        moved.landmarks = landmarks?.map { $0.offsetBy(dx: dx, dy: dy) }
        moved.polygon = polygon?.map { $0.offsetBy(dx: dx, dy: dy) }
        return moved
    }
}
