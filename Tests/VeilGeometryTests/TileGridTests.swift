import Testing
import VeilGeometry

@Suite struct TileGridTests {
    @Test func smallImageIsOneTile() {
        let grid = TileGrid(imageSize: PixelSize(width: 500, height: 300), tileSize: 640, overlap: 128)
        #expect(grid.tiles == [Box(x: 0, y: 0, width: 500, height: 300)])
    }

    @Test(arguments: [(4000, 3000), (1920, 1080), (1281, 640), (10000, 700)])
    func tilesCoverImageWithOverlap(width: Int, height: Int) {
        let size = PixelSize(width: width, height: height)
        let grid = TileGrid(imageSize: size, tileSize: 1280, overlap: 256)
        for tile in grid.tiles {
            #expect(size.bounds.coverage(of: tile) == 1)
        }
        // Every object no larger than the overlap lies wholly inside some tile.
        for x in stride(from: 0, to: width - 256, by: 97) {
            for y in stride(from: 0, to: height - 256, by: 89) {
                let object = Box(x: Double(x), y: Double(y), width: 256, height: 256)
                #expect(grid.tiles.contains { $0.coverage(of: object) == 1 })
            }
        }
    }

    @Test(arguments: [(600, 600), (512, 366), (600, 317), (2000, 1500), (1281, 640)])
    func areaLimitedTilesStayWithinTheirLimitsAndCoverWithOverlap(width: Int, height: Int) {
        let size = PixelSize(width: width, height: height)
        let grid = TileGrid(imageSize: size, maximumTileArea: 163_000, maximumTileSide: 404, overlap: 101)
        for tile in grid.tiles {
            #expect(size.bounds.coverage(of: tile) == 1)
            #expect(tile.width * tile.height <= 163_000 && max(tile.width, tile.height) <= 404)
        }
        for x in stride(from: 0, through: width - 101, by: 37) {
            for y in stride(from: 0, through: height - 101, by: 41) {
                let object = Box(x: Double(x), y: Double(y), width: 101, height: 101)
                #expect(grid.tiles.contains { $0.coverage(of: object) == 1 }, "\(object) in \(size)")
            }
        }
    }

    @Test func areaLimitedTilesUseFewerPixelsThanSquares() {
        let size = PixelSize(width: 512, height: 366)
        let fitted = TileGrid(imageSize: size, maximumTileArea: 163_000, maximumTileSide: 404, overlap: 101)
        let squares = TileGrid(imageSize: size, tileSize: 404, overlap: 101)
        func pixels(_ grid: TileGrid) -> Double { grid.tiles.reduce(0) { $0 + $1.area } }
        #expect(fitted.tiles.count == 2)
        #expect(pixels(fitted) < pixels(squares))
    }
}
