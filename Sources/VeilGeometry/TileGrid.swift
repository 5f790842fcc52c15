/// Overlapping square tiles that cover an image, so a detector with a fixed input can see
/// small objects in a large image at full resolution.
///
/// Adjacent tiles overlap by at least `overlap` pixels, so any object no larger than the overlap
/// lies wholly inside at least one tile.
///
/// ```swift
/// let grid = TileGrid(imageSize: PixelSize(width: 4000, height: 3000), tileSize: 1280, overlap: 256)
/// grid.tiles.count  // 12
/// ```
public struct TileGrid: Sendable, Hashable {
    /// The image the tiles cover.
    public let imageSize: PixelSize
    /// The side of each square tile.
    public let tileSize: Int
    /// Pixels shared by neighbouring tiles.
    public let overlap: Int
    /// The tiles, row by row; each lies inside the image (edge tiles are shifted inwards).
    public let tiles: [Box]

    /// Square tiles of `tileSize` covering `imageSize`, neighbours overlapping by `overlap`.
    public init(imageSize: PixelSize, tileSize: Int, overlap: Int) {
        precondition(tileSize > overlap && overlap >= 0, "tile size must exceed the overlap")
        self.imageSize = imageSize
        self.tileSize = tileSize
        self.overlap = overlap
        let xs = Self.starts(length: imageSize.width, tile: tileSize, overlap: overlap)
        let ys = Self.starts(length: imageSize.height, tile: tileSize, overlap: overlap)
        tiles = ys.flatMap { y in
            xs.map { x in
                Box(
                    x: Double(x),
                    y: Double(y),
                    width: Double(min(tileSize, imageSize.width)),
                    height: Double(min(tileSize, imageSize.height))
                )
            }
        }
    }

    /// Evenly spread start offsets so that consecutive tiles overlap by at least `overlap`.
    static func starts(length: Int, tile: Int, overlap: Int) -> [Int] {
        guard length > tile else { return [0] }
        let stride = tile - overlap
        let count = Int((Double(length - tile) / Double(stride)).rounded(.up)) + 1
        let step = Double(length - tile) / Double(count - 1)
        return (0..<count).map { Int((Double($0) * step).rounded()) }
    }
}
