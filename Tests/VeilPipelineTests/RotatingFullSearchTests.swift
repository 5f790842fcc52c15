import Testing
import VeilDetection
import VeilGeometry
import VeilMedia

@testable import VeilPipeline

/// Full-size face passes in turns: every part of the frame is searched within one rotation,
/// every followed face on every pass, and a crowd is searched whole.
@Suite struct RotatingFullSearchTests {
    static let size = PixelSize(width: 1280, height: 720)

    static func boxes(_ area: ChangeMap.SearchArea) -> [Box] {
        switch area {
        case .everything: [size.bounds]
        case .rectangles(let boxes): boxes
        }
    }

    static func covers(_ area: ChangeMap.SearchArea, _ box: Box) -> Bool {
        boxes(area).contains { $0.coverage(of: box) >= 0.999 }
    }

    @Test func oneBandSearchesEverything() {
        var rotation = RotatingFullSearch(bands: 1, fullStride: 4)
        for pass in 0..<3 {
            #expect(rotation.area(frameIndex: pass * 4, imageSize: Self.size, tracks: [], scale: 1) == .everything)
        }
    }

    @Test func everySmallFaceIsSearchedWithinOneRotation() {
        var rotation = RotatingFullSearch(bands: 2, fullStride: 4)
        #expect(rotation.area(frameIndex: 0, imageSize: Self.size, tracks: [], scale: 1) == .everything)
        var areas: [ChangeMap.SearchArea] = []
        for pass in 1...2 {
            let area = rotation.area(frameIndex: pass * 4, imageSize: Self.size, tracks: [], scale: 1)
            let searched = Self.boxes(area).reduce(0) { $0 + $1.area } / Self.size.bounds.area
            #expect(searched < 0.6, "a band is about half the frame, not \(searched)")
            areas.append(area)
        }
        // Faces of 24 px anywhere, on the seam too, lie wholly inside one of the two bands.
        for y in stride(from: 0.0, through: 696, by: 24) {
            for x in stride(from: 0.0, through: 1256, by: 8) {
                let face = Box(x: x, y: y, width: 24, height: 24)
                #expect(areas.contains { Self.covers($0, face) }, "face at \(x), \(y) never searched")
            }
        }
    }

    @Test func trackedAndRecentFacesAreSearchedOnEveryPass() {
        var rotation = RotatingFullSearch(bands: 4, fullStride: 4)
        _ = rotation.area(frameIndex: 0, imageSize: Self.size, tracks: [], scale: 1)
        let tracked = Box(x: 1200, y: 600, width: 20, height: 20)
        // Recorded in frame pixels (1920 wide: scale 2/3 to the 1280 copy).
        let weak = Box(x: 30, y: 900, width: 30, height: 30)
        rotation.record([weak], frameIndex: 0)
        for pass in 1...4 {
            let area = rotation.area(frameIndex: pass * 4, imageSize: Self.size, tracks: [tracked], scale: 2.0 / 3)
            #expect(Self.covers(area, tracked.expanded(byFraction: 0.5).clamped(to: Self.size.bounds)))
            #expect(Self.covers(area, weak.scaled(x: 2.0 / 3, y: 2.0 / 3)))
        }
        // Forgotten after a rotation (16 frames) without being found again.
        let later = rotation.area(frameIndex: 24, imageSize: Self.size, tracks: [], scale: 2.0 / 3)
        #expect(!Self.covers(later, weak.scaled(x: 2.0 / 3, y: 2.0 / 3)))
    }

    @Test func aCrowdIsSearchedWhole() {
        var rotation = RotatingFullSearch(bands: 2, fullStride: 4)
        _ = rotation.area(frameIndex: 0, imageSize: Self.size, tracks: [], scale: 1)
        let crowd = (0..<40).map {
            Box(x: Double($0 % 10) * 128 + 40, y: Double($0 / 10) * 180 + 60, width: 40, height: 40)
        }
        #expect(rotation.area(frameIndex: 4, imageSize: Self.size, tracks: crowd, scale: 1) == .everything)
    }

    @Test func portraitFramesAreCutAcrossTheirHeight() {
        let band = RotatingFullSearch.band(1, of: 2, columns: 12, rows: 20)
        #expect(band == ChangeMap.CellRect(minColumn: 0, minRow: 10, maxColumn: 12, maxRow: 20))
    }

    @Test func theWholeFrameIsReadInOverlappingStrips() throws {
        let pieces = RotatingFullSearch(bands: 2, fullStride: 4).wholeInStrips(imageSize: Self.size)
        #expect(pieces.count == 2)
        for piece in pieces {
            #expect(piece.area / Self.size.bounds.area < 0.6)
            #expect(piece.minY == 0 && piece.maxY == Double(Self.size.height))
        }
        // Neighbours overlap by two cells (64 px of the 1280 px copy); together they cover it.
        #expect(pieces[0].minX == 0 && pieces[1].maxX == Double(Self.size.width))
        #expect(pieces[0].maxX - pieces[1].minX == 64)
    }

    @Test(arguments: [3, 4, 8])
    func theWholeFrameIsReadInTwoStripsWhateverTheRotation(bands: Int) {
        let rotation = RotatingFullSearch(bands: bands, fullStride: 4)
        #expect(
            rotation.wholeInStrips(imageSize: Self.size)
                == RotatingFullSearch(bands: 2, fullStride: 4).wholeInStrips(imageSize: Self.size))
        #expect(RotatingFullSearch(bands: 1, fullStride: 4).wholeInStrips(imageSize: Self.size).count == 1)
    }

    @Test func aFaceCutByAStripEdgeIsFoundWhole() throws {
        var search = ChangeDrivenSearch(isEnabled: false, fullSearchIntervalFrames: 30)
        let pieces = RotatingFullSearch(bands: 2, fullStride: 4).wholeInStrips(imageSize: Self.size)
        let detector = ChangeMapTests.CroppableDetector(workingSide: 1280)
        // Inside one strip and cut by the other's edge; wider than the overlap, cut by both.
        for face in [Box(x: 590, y: 200, width: 60, height: 60), Box(x: 600, y: 200, width: 100, height: 100)] {
            let image = PlateStripSearchTests.frame(Self.size, plate: face)
            let found = try search.detectInPieces(
                with: detector, pass: .init(detector: 0, isCoarse: false), frameIndex: 0, image: image, pieces: pieces)
            #expect(found.map(\.box) == [face])
        }
    }
}
