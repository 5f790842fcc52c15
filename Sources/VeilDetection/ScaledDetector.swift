public import VeilGeometry
public import VeilMedia

/// Runs a ``FaceNetwork`` at a scale chosen from the image size, and over overlapping
/// full-resolution tiles when a whole-image pass would shrink small faces below what the
/// network can see.
///
/// A whole-image pass catches large faces; tiles catch small ones. A 4000×3000 photo seen by a
/// 640 px network shrinks a 16 px face to 2.6 px, which no detector finds; tiles of
/// `maxInputSide / minimumScale` pixels keep it at ≥ 12 px. Small images are enlarged, whole
/// or (with ``Configuration/guidedEnlargement``) only around the small faces a 1× pass finds.
public struct ScaledDetector: ObjectDetector {
    /// How images are scaled and tiled for the network.
    public struct Configuration: Sendable, Hashable {
        /// The smallest face (shorter side, image pixels) that must stay detectable.
        public var smallestFace: Double = 16
        /// The smallest face the network finds reliably at its input (pixels). Raising this adds
        /// tiles (slower, more small faces found); lowering it trusts the network with tinier faces.
        public var networkMinimumFace: Double = 12
        /// Small images are enlarged up to this factor for the whole-image pass, so small faces
        /// in small photos reach the network's comfortable size. Raising it finds more tiny faces
        /// but costs time and may add false positives.
        public var maximumUpscale: Double = 2
        /// Tile overlap as a fraction of the tile side: any face smaller than the overlap lies
        /// wholly inside one tile; larger faces are the whole-image pass's job.
        public var tileOverlapFraction: Double = 0.25
        /// Overlap above which detections from different passes are merged.
        public var mergeIoU: Double = 0.4
        /// Whether tiles may be added at all (video turns them off: frames are many and the
        /// tracker fills in; `smallestFace` then only describes the whole-image pass).
        public var allowsTiling = true
        /// A longest side below the network's own for the whole-image pass (a coarse video
        /// pass); nil: the network's ``FaceNetwork/maxInputSide``.
        public var inputSideLimit: Int?
        /// The most pixels one inference may see (width × height of the scaled image or tile,
        /// before the network's own padding), with tiling on: a pass that would see more runs
        /// as overlapping tiles of at most this many pixels at its scale, beside a whole-image
        /// pass shrunk to fit it. ONNX Runtime's memory arena grows to the largest input's
        /// activations and keeps them, so this caps a photo run's peak memory; lowering it adds
        /// tiles (more CPU on the photos that need them). 1024 × 1024 keeps a photo run under
        /// 300 MB and tiles the 2× pass of photos over 262,144 pixels (docs/DECISIONS.md,
        /// "Photos: memory under 300 MB"). Nil: no cap.
        public var maximumInputPixels: Int? = 1024 * 1024
        /// When the cap alone calls for tiles (a small photo enlarged past it), the tiles see
        /// every face up to their overlap at the enlarged scale, so the whole-image pass only
        /// has to find larger faces: it runs at the scale where a face as large as the overlap
        /// spans this many pixels (never above the enlargement or the cap). Lowering it saves
        /// CPU on such photos but adds false boxes (faces-masks-dev enlarged to 800 px: 3.64
        /// per image at 64, 3.31 at 128) and risks faces just larger than the overlap
        /// (docs/DECISIONS.md, "Photos: memory under 300 MB").
        public var cappedWholePassOverlapSide: Double = 128
        /// Whether an enlarged small photo is enlarged only around the small faces a 1× pass
        /// finds (``GuidedEnlargement``) rather than whole; nil: whole (video never enlarges).
        /// Used when the enlargement is the cap's only reason for tiles or there are none, and
        /// the 1× pass fits the cap.
        public var guidedEnlargement: GuidedEnlargement?

        /// The defaults of stills.
        public init() {}
    }

    /// The face network.
    public let network: any FaceNetwork
    /// How images are scaled and tiled.
    public let configuration: Configuration

    /// Runs `network` on scaled (and, for large images, tiled) copies of each image.
    public init(network: any FaceNetwork, configuration: Configuration = Configuration()) {
        self.network = network
        self.configuration = configuration
    }

    /// The network's name.
    public var name: String { network.name }
    /// The network's model.
    public var models: [ModelFingerprint] { [network.model] }
    /// The longest side of the whole-image pass.
    var inputSide: Int { min(network.maxInputSide, configuration.inputSideLimit ?? .max) }

    /// Without tiles the whole-image pass never looks at more than its input side.
    public var workingSide: Int? { configuration.allowsTiling ? nil : inputSide }

    /// The whole-image pass at a smaller side, same network; nil when tiling (the tiles are
    /// what a user asked for) or when the side is not smaller.
    public func coarsened(toSide side: Int) -> (any ObjectDetector)? {
        guard !configuration.allowsTiling, side < inputSide else { return nil }
        var configuration = configuration
        configuration.inputSideLimit = side
        return ScaledDetector(network: network, configuration: configuration)
    }

    /// The passes for an image: the scale of the whole-image pass and, when needed, the tiles
    /// (image coordinates) and their scale.
    ///
    /// The whole-image pass runs at the network's side (small images enlarged up to
    /// ``Configuration/maximumUpscale``). Tiles are added when that pass would shrink the
    /// smallest face below ``Configuration/networkMinimumFace`` (large images: tiles at that
    /// scale), or when it would exceed ``Configuration/maximumInputPixels`` (enlarged small
    /// images: tiles at the enlarged scale, and the whole pass shrunk to the cap). Tiles
    /// overlap by ``Configuration/tileOverlapFraction`` of their side: a face up to that size
    /// lies wholly inside one tile, larger ones are the whole-image pass's job (run, for an
    /// enlarged small image, only as large as that job needs:
    /// ``Configuration/cappedWholePassOverlapSide``).
    public func plan(for size: PixelSize) -> (wholeScale: Double, tiles: [Box], tileScale: Double) {
        let longest = Double(max(size.width, size.height))
        let wanted = min(Double(inputSide) / longest, configuration.maximumUpscale)
        let minimumScale = configuration.networkMinimumFace / configuration.smallestFace
        guard configuration.allowsTiling else { return (wanted, [], 0) }
        guard let cap = configuration.maximumInputPixels else {
            guard wanted < minimumScale else { return (wanted, [], 0) }
            let tileSide = Int(Double(network.maxInputSide) / minimumScale)
            let overlap = Int(Double(tileSide) * configuration.tileOverlapFraction)
            let grid = TileGrid(imageSize: size, tileSize: tileSide, overlap: overlap)
            return (wanted, grid.tiles, Double(network.maxInputSide) / Double(tileSide))
        }
        guard wanted < minimumScale || Self.inputPixels(of: size, at: wanted) > cap else { return (wanted, [], 0) }
        let tileScale = max(wanted, minimumScale)
        let tileSide = Int(Double(network.maxInputSide) / tileScale)
        // Tiles of w × h image pixels, w, h ≤ tileSide, are at most (w·s + ½)(h·s + ½) ≤
        // w·h·s² + maxInputSide + ¼ pixels once scaled and rounded: keep w·h·s² under
        // cap − maxInputSide − 1. Their sides may reach the network's, so an image a little
        // over the cap is cut in two long tiles rather than four squares.
        let overlap = Int(Double(tileSide) * configuration.tileOverlapFraction)
        let grid = TileGrid(
            imageSize: size,
            maximumTileArea: Int((Double(cap) - Double(network.maxInputSide) - 1) / (tileScale * tileScale)),
            maximumTileSide: tileSide,
            overlap: overlap
        )
        guard grid.tiles.count > 1 else { return (tileScale, [], 0) }
        var wholeScale = min(wanted, Self.scale(fitting: size, inPixels: cap))
        if wanted >= minimumScale {
            wholeScale = min(wholeScale, configuration.cappedWholePassOverlapSide / Double(max(1, overlap)))
        }
        return (wholeScale, grid.tiles, tileScale)
    }

    /// Width × height of `size` scaled by `scale`, each side rounded as the networks round it.
    static func inputPixels(of size: PixelSize, at scale: Double) -> Int {
        Int((Double(size.width) * scale).rounded()) * Int((Double(size.height) * scale).rounded())
    }

    /// The largest scale at which `size`'s rounded sides multiply to at most `pixels`: the
    /// positive root of (w·s + ½)(h·s + ½) = pixels, so rounding cannot push it over.
    static func scale(fitting size: PixelSize, inPixels pixels: Int) -> Double {
        let (width, height) = (Double(size.width), Double(size.height))
        let half = (width + height) / 2
        let root = (half * half - 4 * width * height * (0.25 - Double(pixels))).squareRoot()
        return (root - half) / (2 * width * height)
    }

    /// Faces in `image`, boxes in its pixels.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        if let guide = configuration.guidedEnlargement, let scale = guidedScale(for: image.size) {
            return try detect(in: image, enlargedBy: scale, guidedBy: guide)
        }
        let plan = plan(for: image.size)
        var detections = try network.detect(in: image, scale: plan.wholeScale)
        for tile in plan.tiles {
            let crop = image.cropped(to: tile)
            let found = try network.detect(in: crop, scale: plan.tileScale)
            detections += found.map { $0.mapped(scaleX: 1, scaleY: 1, dx: tile.minX, dy: tile.minY) }
        }
        return plan.tiles.isEmpty ? detections : detections.suppressingOverlaps(iouThreshold: configuration.mergeIoU)
    }

    /// The enlargement to guide for an image of `size`, or nil when the plan runs as it is:
    /// the image is not enlarged, needs tiles at its own size (a large photo), or its 1× pass
    /// alone would exceed ``Configuration/maximumInputPixels``.
    func guidedScale(for size: PixelSize) -> Double? {
        guard configuration.allowsTiling else { return nil }
        let wanted = min(Double(inputSide) / Double(max(size.width, size.height)), configuration.maximumUpscale)
        let minimumScale = configuration.networkMinimumFace / configuration.smallestFace
        guard wanted > 1, wanted >= minimumScale,
            Self.inputPixels(of: size, at: 1) <= configuration.maximumInputPixels ?? .max
        else { return nil }
        return wanted
    }

    /// The guided enlargement: a 1× pass, then `scale` only around its small faces, each
    /// region cut in tiles when it would exceed the cap at that scale.
    private func detect(in image: Image, enlargedBy scale: Double, guidedBy guide: GuidedEnlargement)
        throws(DetectionError) -> [Detection]
    {
        var detections = try network.detect(in: image, scale: 1)
        let seeds = detections.filter {
            $0.score >= guide.seedScore && min($0.box.width, $0.box.height) < guide.smallFaceSide
        }
        let regions = guide.regions(around: seeds.map(\.box), in: image.size.bounds)
        guard !regions.isEmpty else { return detections }
        detections.removeAll { guide.yields($0, to: regions) }
        for region in regions {
            for part in parts(of: region, at: scale) {
                let found = try network.detect(in: image.cropped(to: part), scale: scale)
                detections += found.map { $0.mapped(scaleX: 1, scaleY: 1, dx: part.minX, dy: part.minY) }
            }
        }
        return detections.suppressingOverlaps(iouThreshold: configuration.mergeIoU)
    }

    /// `region` whole, or the tiles (image coordinates) it is cut in when its pass at `scale`
    /// would see more than ``Configuration/maximumInputPixels``: tiles as ``plan(for:)`` cuts an
    /// enlarged photo, overlapping by a quarter of their side (faces over the overlap were
    /// large enough for the 1× pass).
    func parts(of region: Box, at scale: Double) -> [Box] {
        let size = PixelSize(width: Int(region.width), height: Int(region.height))
        guard let cap = configuration.maximumInputPixels, Self.inputPixels(of: size, at: scale) > cap else {
            return [region]
        }
        let tileSide = Int(Double(network.maxInputSide) / scale)
        let grid = TileGrid(
            imageSize: size,
            maximumTileArea: Int((Double(cap) - Double(network.maxInputSide) - 1) / (scale * scale)),
            maximumTileSide: tileSide,
            overlap: Int(Double(tileSide) * configuration.tileOverlapFraction)
        )
        return grid.tiles.map { $0.offsetBy(dx: region.minX, dy: region.minY) }
    }
}
