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
    /// The side of each square tile (the longer side where tiles are not square).
    public let tileSize: Int
    /// Pixels shared by neighbouring tiles.
    public let overlap: Int
    /// The tiles, row by row; each lies inside the image (edge tiles are shifted inwards).
    public let tiles: [Box]

    /// Square tiles of `tileSize` covering `imageSize`, neighbours overlapping by `overlap`.
    public init(imageSize: PixelSize, tileSize: Int, overlap: Int) {
        precondition(tileSize > overlap && overlap >= 0, "tile size must exceed the overlap")
        self.init(imageSize: imageSize, tileWidth: tileSize, tileHeight: tileSize, overlap: overlap)
    }

    /// The tiles of fewest pixels in all that cover `imageSize` with neighbours overlapping by
    /// at least `overlap`, each tile at most `maximumTileArea` pixels and `maximumTileSide` on
    /// either side: the number of tiles per axis is chosen, then each tile is as small as that
    /// count allows (tiles need not be square). For limits on a tile's pixel count (an
    /// inference's memory) rather than on its side.
    ///
    /// ```swift
    /// let grid = TileGrid(imageSize: PixelSize(width: 512, height: 366), maximumTileArea: 163_000,
    ///                     maximumTileSide: 404, overlap: 101)
    /// grid.tiles.count  // 2: 307 × 366 each, overlapping by 102
    /// ```
    ///
    /// - Precondition: a square of `min(maximumTileSide, √maximumTileArea)` exceeds `overlap`.
    /// - Complexity: O(*c* · *r*) for up to *c* columns and *r* rows of tiles (length ÷ overlap).
    public init(imageSize: PixelSize, maximumTileArea: Int, maximumTileSide: Int, overlap: Int) {
        let square = min(maximumTileSide, Int(Double(maximumTileArea).squareRoot()))
        precondition(square > overlap && overlap >= 0, "the largest tile must exceed the overlap")
        func side(_ length: Int, _ count: Int) -> Int { (length + (count - 1) * overlap + count - 1) / count }
        var best = (width: min(square, imageSize.width), height: min(square, imageSize.height), area: Int.max)
        for columns in 1...max(1, imageSize.width) {
            let width = side(imageSize.width, columns)
            guard width > overlap || columns == 1 else { break }
            guard width <= maximumTileSide else { continue }
            for rows in 1...max(1, imageSize.height) {
                let height = side(imageSize.height, rows)
                guard height > overlap || rows == 1 else { break }
                guard height <= maximumTileSide, width * height <= maximumTileArea else { continue }
                // More rows only add overlap: the first that fits is this column count's best.
                let area = width * height * columns * rows
                if area < best.area { best = (width, height, area) }
                break
            }
        }
        self.init(imageSize: imageSize, tileWidth: best.width, tileHeight: best.height, overlap: overlap)
    }

    /// Tiles of `tileWidth` × `tileHeight` covering `imageSize`, neighbours overlapping by at
    /// least `overlap` (``tileSize`` is the larger side).
    init(imageSize: PixelSize, tileWidth: Int, tileHeight: Int, overlap: Int) {
        self.imageSize = imageSize
        self.tileSize = max(tileWidth, tileHeight)
        self.overlap = overlap
        let xs = Self.starts(length: imageSize.width, tile: tileWidth, overlap: overlap)
        let ys = Self.starts(length: imageSize.height, tile: tileHeight, overlap: overlap)
        tiles = ys.flatMap { y in
            xs.map { x in
                Box(
                    x: Double(x),
                    y: Double(y),
                    width: Double(min(tileWidth, imageSize.width)),
                    height: Double(min(tileHeight, imageSize.height))
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
