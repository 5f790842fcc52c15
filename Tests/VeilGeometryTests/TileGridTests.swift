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
}
