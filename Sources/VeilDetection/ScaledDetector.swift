public import VeilGeometry
public import VeilMedia

/// Runs a ``FaceNetwork`` at a scale chosen from the image size, and over overlapping
/// full-resolution tiles when a whole-image pass would shrink small faces below what the
/// network can see.
///
/// A whole-image pass catches large faces; tiles catch small ones. A 4000×3000 photo seen by a
/// 640 px network shrinks a 16 px face to 2.6 px, which no detector finds; tiles of
/// `maxInputSide / minimumScale` pixels keep it at ≥ 12 px.
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
    public func plan(for size: PixelSize) -> (wholeScale: Double, tiles: [Box], tileScale: Double) {
        let longest = Double(max(size.width, size.height))
        let wholeScale = min(Double(inputSide) / longest, configuration.maximumUpscale)
        let minimumScale = configuration.networkMinimumFace / configuration.smallestFace
        guard configuration.allowsTiling, wholeScale < minimumScale else { return (wholeScale, [], 0) }
        let tileSide = Int(Double(network.maxInputSide) / minimumScale)
        let overlap = Int(Double(tileSide) * configuration.tileOverlapFraction)
        let grid = TileGrid(imageSize: size, tileSize: tileSide, overlap: overlap)
        return (wholeScale, grid.tiles, Double(network.maxInputSide) / Double(tileSide))
    }

    /// Faces in `image`, boxes in its pixels.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        let plan = plan(for: image.size)
        var detections = try network.detect(in: image, scale: plan.wholeScale)
        for tile in plan.tiles {
            let crop = image.cropped(to: tile)
            let found = try network.detect(in: crop, scale: plan.tileScale)
            detections += found.map { $0.mapped(scaleX: 1, scaleY: 1, dx: tile.minX, dy: tile.minY) }
        }
        return plan.tiles.isEmpty ? detections : detections.suppressingOverlaps(iouThreshold: configuration.mergeIoU)
    }
}
