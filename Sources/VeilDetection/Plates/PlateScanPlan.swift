public import VeilGeometry

/// Where and at what scale the plate text detector looks at an image: one pass over the whole
/// image, plus overlapping tiles when the whole pass would shrink the smallest plate's
/// characters below what the detector reads.
///
/// ```swift
/// let scan = PlateScanPlan.Configuration()
/// let plan = scan.plan(for: PixelSize(width: 1280, height: 720))
/// plan.wholeScale  // 1.01: one full-resolution pass (input 1280×736), no tiles
/// ```
///
/// The text detector finds characters from about ``Configuration/detectorCharacterHeight``
/// pixels at its input; smaller ones it either misses or boxes together with the lines
/// around them (docs/PLATES.md). The scale that brings the smallest plate's characters there
/// is `detectorCharacterHeight / (characterFraction × smallestPlateHeight)`.
public struct PlateScanPlan: Sendable, Hashable {
    /// How images are scaled and tiled.
    public struct Configuration: Sendable, Hashable {
        /// The smallest plate (height, image pixels) whose characters must reach
        /// ``detectorCharacterHeight`` (`--min-plate`). Lowering it enlarges more photos and
        /// adds tiles on large ones (slower, finds smaller plates); raising it is faster.
        public var smallestPlateHeight: Double = 44
        /// Character height as a fraction of the plate's: 0.45 for layouts with a region name
        /// above and a slogan below (US), 0.7 for EU plates. The smaller value is the safe one.
        public var characterFraction: Double = 0.45
        /// Character height (detector input pixels) from which the detector finds a plate's
        /// characters as a line of their own: ~15 px lost most stacked plates, 20–30 px
        /// found them (issue 15's measurements, docs/PLATES.md).
        public var detectorCharacterHeight: Double = 20
        /// The longest side of the whole-image pass when tiles are added, and the cap up to
        /// which small photos are enlarged (such a pass costs what today's pass costs).
        public var wholeInputSide: Int = 960
        /// A whole-image pass may grow up to this side to reach the needed scale instead of
        /// adding tiles: a 1280 px photo at full resolution costs 1.8 × a 960 pass, a 960 pass
        /// plus two tiles 3.6 ×.
        public var maximumSinglePassSide: Int = 1344
        /// Small images are enlarged at most this much.
        public var maximumUpscale: Double = 2
        /// Whether tiles may be added (video turns them off except on its high-resolution
        /// passes; then the whole pass runs at `wholeInputSide` at most, never enlarged).
        public var allowsTiling = true
        /// Tile overlap as a fraction of the tile side: a plate smaller than the overlap lies
        /// wholly inside one tile.
        public var tileOverlapFraction: Double = 0.25

        /// The defaults of stills.
        public init() {}

        /// The scale that brings ``smallestPlateHeight``'s characters to
        /// ``detectorCharacterHeight``, capped at ``maximumUpscale``.
        public var neededScale: Double {
            min(maximumUpscale, detectorCharacterHeight / (characterFraction * smallestPlateHeight))
        }

        /// The passes for an image of `size`.
        public func plan(for size: PixelSize) -> PlateScanPlan {
            let longest = Double(max(size.width, size.height))
            let fitted = Double(wholeInputSide) / longest
            guard allowsTiling else { return PlateScanPlan(wholeScale: min(1, fitted), tiles: [], tileScale: 0) }
            let needed = neededScale
            let enlarged = min(maximumUpscale, fitted)
            if longest * needed <= Double(maximumSinglePassSide) || needed <= enlarged {
                return PlateScanPlan(wholeScale: max(needed, enlarged), tiles: [], tileScale: 0)
            }
            let tileSide = Int(Double(maximumSinglePassSide) / needed)
            let overlap = Int(Double(tileSide) * tileOverlapFraction)
            let grid = TileGrid(imageSize: size, tileSize: tileSide, overlap: overlap)
            return PlateScanPlan(wholeScale: min(1, fitted), tiles: grid.tiles, tileScale: needed)
        }
    }

    /// The scale of the whole-image pass (1: full resolution; above 1: enlarged).
    public var wholeScale: Double
    /// Tiles (image pixels) searched at ``tileScale``; empty when the whole pass suffices.
    public var tiles: [Box]
    /// The scale of the tile passes.
    public var tileScale: Double

    /// A plan from its parts.
    public init(wholeScale: Double, tiles: [Box], tileScale: Double) {
        self.wholeScale = wholeScale
        self.tiles = tiles
        self.tileScale = tileScale
    }
}
