public import VeilGeometry

/// Where and at what scale the plate text detector looks at an image: one pass over the whole
/// image, plus overlapping tiles when the whole pass would shrink the smallest plate's
/// characters below what the detector reads.
///
/// ```swift
/// let scan = PlateScanPlan.Configuration()
/// let plan = scan.plan(for: PixelSize(width: 1280, height: 720))
/// plan.wholeScale  // 1.01: one full-resolution pass (input 1280×736), no tiles
/// plan.revisitScale  // 2: small text that is not a plate is read again, enlarged
/// ```
///
/// Photos are not enlarged beyond the needed scale, except low-resolution ones (under
/// ``Configuration/smallImageSide``, brought to it): text the first pass finds but cannot
/// accept as a plate, while it is small at the detector's input, is read again in a crop
/// enlarged to ``revisitScale`` (plates under `--min-plate`, stacked layouts), which costs a
/// fraction of enlarging the whole photo (docs/PLATES.md, "Photo speed").
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
        /// The longest side of the whole-image pass when tiles are added (video: of every
        /// pass). Small photos are no longer enlarged up to it (``smallImageSide``): that
        /// cost 4 × the needed pass on a 480 px photo (docs/PLATES.md, "Photo speed").
        public var wholeInputSide: Int = 960
        /// A whole-image pass may grow up to this side to reach the needed scale instead of
        /// adding tiles: a 1280 px photo at full resolution costs 1.8 × a 960 pass, a 960 pass
        /// plus two tiles 3.6 ×.
        public var maximumSinglePassSide: Int = 1344
        /// Photos whose longer side is under this are enlarged to it (at most
        /// ``maximumUpscale``) even when ``neededScale`` is smaller: such low-resolution
        /// photos tend to show plates under `--min-plate`. 640 keeps the dev variants' small
        /// plates at a third of the cost of the 960 it replaces (docs/PLATES.md).
        public var smallImageSide: Int = 640
        /// Small images are enlarged at most this much, and small text is read again at
        /// this scale (``revisitScale``).
        public var maximumUpscale: Double = 2
        /// Text the detector found but the verifier rejected is read again, enlarged, when
        /// its box is under this height at the detector's input (pixels): a plate's
        /// characters under ``detectorCharacterHeight`` give boxes about 1.2–2 × as tall.
        public var revisitTextHeight: Double = 48
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

        /// The passes for an image of `size`: the whole image at ``neededScale`` when that
        /// pass is at most ``maximumSinglePassSide`` long, else the whole image at
        /// ``wholeInputSide`` plus tiles at the needed scale. Stills (tiling allowed) read
        /// small rejected text again at ``maximumUpscale``; video never does.
        public func plan(for size: PixelSize) -> PlateScanPlan {
            let longest = Double(max(size.width, size.height))
            let fitted = Double(wholeInputSide) / longest
            guard allowsTiling else { return PlateScanPlan(wholeScale: min(1, fitted), tiles: [], tileScale: 0) }
            let needed = neededScale
            let revisit = maximumUpscale > needed ? maximumUpscale : 0
            if longest * needed <= Double(maximumSinglePassSide) {
                let lowResolution = min(maximumUpscale, Double(smallImageSide) / longest)
                return PlateScanPlan(
                    wholeScale: max(needed, lowResolution), tiles: [], tileScale: 0, revisitScale: revisit)
            }
            let tileSide = Int(Double(maximumSinglePassSide) / needed)
            let overlap = Int(Double(tileSide) * tileOverlapFraction)
            let grid = TileGrid(imageSize: size, tileSize: tileSide, overlap: overlap)
            return PlateScanPlan(
                wholeScale: min(1, fitted), tiles: grid.tiles, tileScale: needed, revisitScale: revisit)
        }

        /// The passes of `plan` confined to `regions` (image pixels, from a
        /// ``GuidedPlateScan``) of an image of `size`: each region read at the plan's finest
        /// scale, grown (within the image) until its input sides are whole multiples of 32, so
        /// that rounding them does not squash small text the way it would a small crop; where
        /// that pass would be longer than ``maximumSinglePassSide``, the region is read as the
        /// plan reads a whole image that large (at ``wholeInputSide`` plus tiles at the needed
        /// scale), the tiles placed inside the region.
        public func passes(of plan: PlateScanPlan, in regions: [Box], imageSize size: PixelSize) -> [Pass] {
            regions.flatMap { region -> [Pass] in
                let scale = plan.finestScale
                guard max(region.width, region.height) * scale > Double(maximumSinglePassSide) else {
                    return [Pass(crop: Self.aligned(region, scale: scale, in: size.bounds), scale: scale)]
                }
                let size = PixelSize(width: Int(region.width.rounded()), height: Int(region.height.rounded()))
                return self.plan(for: size).passes(imageSize: size).map { pass in
                    Pass(crop: pass.crop.offsetBy(dx: region.minX, dy: region.minY), scale: pass.scale)
                }
            }
        }

        /// `region` grown about its centre (shifted to stay inside `bounds`, never beyond them)
        /// until each side, scaled by `scale`, is a whole multiple of the detector's input
        /// granularity, on whole pixels.
        static func aligned(_ region: Box, scale: Double, in bounds: Box) -> Box {
            let step = Double(PlateDetector.inputGranularity) / scale
            func span(_ low: Double, _ high: Double, limit: (low: Double, high: Double)) -> (Double, Double) {
                let length = min(limit.high - limit.low, ((high - low) / step).rounded(.up) * step)
                var start = ((low + high - length) / 2).rounded(.down)
                start = max(limit.low, min(start, limit.high - length.rounded(.up)))
                return (start, min(limit.high, start + length.rounded(.up)))
            }
            let (minX, maxX) = span(region.minX, region.maxX, limit: (bounds.minX, bounds.maxX))
            let (minY, maxY) = span(region.minY, region.maxY, limit: (bounds.minY, bounds.maxY))
            return Box(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
        }

        /// Where rejected text (`boxes`, image pixels, seen at `scale`) is read again: around
        /// each box under ``revisitTextHeight`` at the detector's input, grown by its height
        /// on each side (at least 16 px), overlapping crops joined; the whole image when the
        /// crops would cover half of it. Empty when `revisitScale` would not enlarge the text
        /// by at least a quarter.
        public func revisitCrops(around boxes: [Box], seenAt scale: Double, revisitScale: Double, imageSize: PixelSize)
            -> [Box]
        {
            guard revisitScale >= scale * 1.25 else { return [] }
            let bounds = imageSize.bounds
            let crops = boxes.filter { $0.height * scale < revisitTextHeight }.map { box in
                let margin = max(box.height, 16)
                return Box(
                    minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin
                ).clamped(to: bounds)
            }.filter { !$0.isEmpty }.mergingOverlaps()
            let area = crops.reduce(0) { $0 + $1.area }
            return area * 2 >= bounds.area ? [bounds] : crops
        }
    }

    /// One run of the text detector: a region of the image (image pixels) read at a scale.
    public struct Pass: Sendable, Hashable {
        /// The region read (the whole image, a tile or a guided region).
        public var crop: Box
        /// Detector input pixels per image pixel.
        public var scale: Double

        /// A pass from its parts.
        public init(crop: Box, scale: Double) {
            self.crop = crop
            self.scale = scale
        }
    }

    /// The scale of the whole-image pass (1: full resolution; above 1: enlarged).
    public var wholeScale: Double
    /// Tiles (image pixels) searched at ``tileScale``; empty when the whole pass suffices.
    public var tiles: [Box]
    /// The scale of the tile passes.
    public var tileScale: Double
    /// The scale at which small text that is not a plate is read again, in crops around it
    /// (0: never).
    public var revisitScale: Double

    /// The finest scale any of the plan's passes reads at (rejected text seen at it is read
    /// again at ``revisitScale`` only when that enlarges it).
    public var finestScale: Double { tiles.isEmpty ? wholeScale : max(wholeScale, tileScale) }

    /// The passes over an image of `size`: the whole image at ``wholeScale``, then each tile at
    /// ``tileScale``.
    public func passes(imageSize size: PixelSize) -> [Pass] {
        [Pass(crop: size.bounds, scale: wholeScale)] + tiles.map { Pass(crop: $0, scale: tileScale) }
    }

    /// A plan from its parts.
    public init(wholeScale: Double, tiles: [Box], tileScale: Double, revisitScale: Double = 0) {
        self.wholeScale = wholeScale
        self.tiles = tiles
        self.tileScale = tileScale
        self.revisitScale = revisitScale
    }
}
