import Testing
import VeilDetection
import VeilGeometry
import VeilMedia

@testable import VeilPipeline

/// Plate passes in strips (``PlateStripSearch``): the first pass reads the whole frame (in two
/// overlapping halves, merged where a half's edge cut a plate), each
/// later one its strip and the followed plates' neighbourhoods, at the regular pass's scale and
/// on the text detector's 32 px grid; one rotation covers the frame; a crowd is read whole.
/// Generated frames and the bright-square detector.
@Suite struct PlateStripSearchTests {
    /// A grey frame of `size` with a white "plate" at `plate`.
    static func frame(_ size: PixelSize, plate: Box) -> Image {
        var image = Image(size: size, blue: 90, green: 90, red: 90)
        for y in Int(plate.minY)..<Int(plate.maxY) {
            for x in Int(plate.minX)..<Int(plate.maxX) {
                let offset = (y * size.width + x) * 3
                image.pixels.replaceSubrange(offset..<offset + 3, with: [255, 255, 255])
            }
        }
        return image
    }

    static let plate = Box(x: 600, y: 300, width: 40, height: 16)
    static let size = PixelSize(width: 960, height: 544)

    /// The two halves of a whole-frame read at 960 × 544 (x 0–640 and 320–960).
    static let wholeHalves: Set<PixelSize> = [PixelSize(width: 640, height: 544)]

    @Test func theFirstPassReadsTheWholeFrameInHalves() throws {
        // The plate (x 600–640) lies in both halves: found in both, kept once.
        let detector = BrightSquareDetector(workingSide: 960)
        let found = try PlateStripSearch().detect(
            with: detector, in: Self.frame(Self.size, plate: Self.plate), tracks: [], pass: 0)
        #expect(found.searchedFraction == 1)
        #expect(detector.seenSizes == Self.wholeHalves)
        #expect(found.detections.map(\.box) == [Self.plate])
    }

    @Test func aPlateOnAHalfsEdgeIsKeptWhole() throws {
        // x 610–670 crosses the first half's right edge (640): cut there, whole in the second.
        let plate = Box(x: 610, y: 300, width: 60, height: 20)
        let found = try PlateStripSearch().detect(
            with: BrightSquareDetector(workingSide: 960), in: Self.frame(Self.size, plate: plate), tracks: [], pass: 0)
        #expect(found.detections.map(\.box) == [plate])
    }

    @Test func theWholeFrameCanStillBeReadInOneInference() throws {
        var search = PlateStripSearch()
        search.configuration.readsFirstPassInHalves = false
        let detector = BrightSquareDetector(workingSide: 960)
        let found = try search.detect(with: detector, in: Self.frame(Self.size, plate: Self.plate), tracks: [], pass: 0)
        #expect(detector.seenSizes == [Self.size])
        #expect(found.detections.map(\.box) == [Self.plate])
    }

    @Test func laterPassesReadTheirStripAndTheFollowedPlates() throws {
        let frame = Self.frame(Self.size, plate: Self.plate)
        // Strip 1 of 3 (x 256–704 with its overlap) holds the plate: found, in place.
        let middle = BrightSquareDetector(workingSide: 960)
        let found = try PlateStripSearch().detect(with: middle, in: frame, tracks: [], pass: 1)
        #expect(found.detections.map(\.box) == [Self.plate])
        #expect(middle.seenSizes == [PixelSize(width: 448, height: 544)])
        #expect(found.searchedFraction < 0.6)
        // Strip 0 (x 0–384) does not: nothing, unless the plate is followed there.
        #expect(try PlateStripSearch().detect(with: middle, in: frame, tracks: [], pass: 3).detections.isEmpty)
        let followed = BrightSquareDetector(workingSide: 960)
        let track = Self.plate.offsetBy(dx: 10, dy: -4)
        let again = try PlateStripSearch().detect(with: followed, in: frame, tracks: [track], pass: 3)
        #expect(again.detections.map(\.box) == [Self.plate])
        // The strip and the plate's neighbourhood, each on the 32 px grid.
        #expect(followed.seenSizes.count == 2)
        #expect(followed.seenSizes.allSatisfy { $0.width % 32 == 0 && $0.height % 32 == 0 })
    }

    @Test func oneRotationCoversTheFrame() throws {
        let search = PlateStripSearch()
        var covered = [Bool](repeating: false, count: Self.size.width)
        for pass in 1...search.configuration.bands {
            let regions = try #require(search.regions(pass: pass, tracks: [], in: Self.size))
            for region in regions {
                #expect(region.minY == 0 && region.maxY == Double(Self.size.height))
                for x in Int(region.minX)..<Int(region.maxX) { covered[x] = true }
            }
        }
        #expect(covered.allSatisfy { $0 })
    }

    @Test func aCrowdIsReadWhole() throws {
        let everywhere = stride(from: 0.0, to: 900, by: 150).flatMap { x in
            stride(from: 0.0, to: 500, by: 120).map { y in Box(x: x, y: y, width: 40, height: 16) }
        }
        let detector = BrightSquareDetector(workingSide: 960)
        let found = try PlateStripSearch().detect(
            with: detector, in: Self.frame(Self.size, plate: Self.plate), tracks: everywhere, pass: 2)
        #expect(found.searchedFraction == 1)
        #expect(detector.seenSizes == [Self.size])
    }

    @Test func aLargerFrameIsReadAtTheRegularPassScale() throws {
        // The plan stage's shrunk copy can be larger than the plate pass's side (a face pass on
        // the same frame): crops come from the frame shrunk to that side, boxes go back.
        let large = Box(x: 1200, y: 600, width: 80, height: 32)
        let detector = BrightSquareDetector(workingSide: 960)
        let found = try PlateStripSearch().detect(
            with: detector, in: Self.frame(PixelSize(width: 1920, height: 1088), plate: large), tracks: [], pass: 1)
        let box = try #require(found.detections.first?.box)
        #expect(abs(box.minX - large.minX) <= 2 && abs(box.maxX - large.maxX) <= 2)
        #expect(abs(box.minY - large.minY) <= 2 && abs(box.maxY - large.maxY) <= 2)
        #expect(detector.seenSizes == [PixelSize(width: 448, height: 544)])
    }
}
