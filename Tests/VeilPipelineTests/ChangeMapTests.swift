import Testing
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilTestSupport

@testable import VeilPipeline

/// Change-driven detection: what counts as change, what gets searched, and that it never
/// searches less than it must.
@Suite struct ChangeMapTests {
    static let size = PixelSize(width: 640, height: 360)

    /// A textured grey scene (seeded), the same every call.
    static func scene() -> Image {
        var random = SplitMix64(seed: 7)
        var pixels = [UInt8](repeating: 0, count: size.width * size.height * 3)
        for y in 0..<size.height {
            for x in 0..<size.width {
                // Smooth stripes plus fine texture, mid-grey.
                let value = 90 + (x / 24 + y / 18) % 5 * 12 + Int.random(in: 0...6, using: &random)
                for channel in 0..<3 { pixels[(y * size.width + x) * 3 + channel] = UInt8(value) }
            }
        }
        return Image(size: size, pixels: pixels)
    }

    /// `image` with uniform noise of ±`amplitude` on every pixel and `brightness` added.
    static func noisy(_ image: Image, amplitude: Int, brightness: Int = 0, seed: UInt64) -> Image {
        var random = SplitMix64(seed: seed)
        var result = image
        for index in result.pixels.indices {
            let noise = Int.random(in: -amplitude...amplitude, using: &random)
            result.pixels[index] = UInt8(max(0, min(255, Int(result.pixels[index]) + noise + brightness)))
        }
        return result
    }

    /// `image` with a bright square (a "face") at `box`.
    static func withPatch(_ image: Image, at box: Box) -> Image {
        var result = image
        for y in Int(box.minY)..<Int(box.maxY) {
            for x in Int(box.minX)..<Int(box.maxX) {
                for channel in 0..<3 { result.pixels[(y * image.width + x) * 3 + channel] = 250 }
            }
        }
        return result
    }

    static func map(after image: Image) -> ChangeMap {
        var map = ChangeMap()
        map.recordSearch(of: .everything, in: LumaThumbnail(of: image, columns: 320))
        return map
    }

    static func covers(_ area: ChangeMap.SearchArea, _ box: Box) -> Bool {
        switch area {
        case .everything: true
        case .rectangles(let rectangles):
            rectangles.contains { $0.coverage(of: box.clamped(to: size.bounds)) >= 0.999 }
        }
    }

    @Test func sensorNoiseAndFlickerAreNotChange() {
        let first = Self.scene()
        let map = Self.map(after: first)
        for (seed, brightness) in [(1, 0), (2, 6), (3, -8)] {
            let next = Self.noisy(first, amplitude: 4, brightness: brightness, seed: UInt64(seed))
            #expect(map.searchArea(for: LumaThumbnail(of: next, columns: 320), tracks: []) == .rectangles([]))
        }
    }

    @Test func aMovingPatchIsSearchedWithItsSurroundings() {
        let first = Self.withPatch(Self.scene(), at: Box(x: 100, y: 100, width: 24, height: 24))
        let map = Self.map(after: first)
        let moved = Box(x: 112, y: 104, width: 24, height: 24)
        let next = Self.noisy(Self.withPatch(Self.scene(), at: moved), amplitude: 3, seed: 9)
        let area = map.searchArea(for: LumaThumbnail(of: next, columns: 320), tracks: [])
        #expect(Self.covers(area, moved))
        #expect(Self.covers(area, moved.expanded(byFraction: 0.5)))
        #expect(area.fraction(of: Self.size) < 0.1)
    }

    @Test(arguments: [11, 12, 13])
    func mergedRectanglesCoverEveryChangedCellAndTrack(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let first = Self.scene()
        let map = Self.map(after: first)
        var next = first
        var patches: [Box] = []
        for _ in 0..<6 {
            let box = Box(
                x: Double(Int.random(in: 0...600, using: &random)), y: Double(Int.random(in: 0...320, using: &random)),
                width: 16, height: 16)
            patches.append(box)
            next = Self.withPatch(next, at: box.clamped(to: Self.size.bounds))
        }
        let tracks = (0..<4).map { _ in
            Box(
                x: Double(Int.random(in: 0...560, using: &random)), y: Double(Int.random(in: 0...300, using: &random)),
                width: 40, height: 50)
        }
        let area = map.searchArea(for: LumaThumbnail(of: next, columns: 320), tracks: tracks)
        for box in patches + tracks.map({ $0.expanded(byFraction: 0.5) }) {
            #expect(Self.covers(area, box), "\(box) not searched")
        }
        if case .rectangles(let rectangles) = area {
            #expect(rectangles.count <= ChangeMap.Configuration().maximumRectangles)
            for (index, first) in rectangles.enumerated() {
                for second in rectangles[(index + 1)...] { #expect(first.intersection(second) == nil) }
            }
        }
    }

    /// Finds the bright square; coarsened copies record the side they were made for.
    struct CroppableDetector: ObjectDetector {
        let name = "croppable"
        let models: [ModelFingerprint] = []
        let workingSide: Int?
        func detect(in image: Image) throws(DetectionError) -> [Detection] {
            guard let box = BrightSquareDetector.brightBox(in: image) else { return [] }
            return [Detection(objectClass: .face, box: box, score: 0.9)]
        }
        func coarsened(toSide side: Int) -> (any ObjectDetector)? {
            guard let workingSide, side < workingSide else { return nil }
            return CroppableDetector(workingSide: side)
        }
    }

    static func pass(
        _ search: inout ChangeDrivenSearch, _ detector: any ObjectDetector, frame: Int, image: Image, tracks: [Box] = []
    ) throws -> (area: ChangeMap.SearchArea, detections: [Detection]) {
        let key = ChangeDrivenSearch.PassKey(detector: 0, isCoarse: false)
        let area = search.area(for: key, frameIndex: frame, image: image, tracks: tracks)
        let detections = try search.detect(with: detector, pass: key, frameIndex: frame, image: image, area: area)
        return (area, detections)
    }

    @Test func aFaceAppearingInAStaticRegionIsFoundAtOnce() throws {
        var search = ChangeDrivenSearch(isEnabled: true, fullSearchIntervalFrames: 30)
        let detector = CroppableDetector(workingSide: 640)
        let still = Self.scene()
        #expect(try Self.pass(&search, detector, frame: 0, image: still).area == .everything)
        let quiet = try Self.pass(&search, detector, frame: 2, image: Self.noisy(still, amplitude: 3, seed: 4))
        #expect(quiet.area == .rectangles([]))
        let face = Box(x: 301, y: 155, width: 20, height: 20)
        let found = try Self.pass(&search, detector, frame: 4, image: Self.withPatch(still, at: face))
        #expect(found.area != .everything)
        #expect(found.detections.map(\.box) == [face])
        #expect(search.searchedAreaFraction < 0.5)
    }

    @Test func anUnnoticedFaceIsFoundAtTheNextFullSearch() throws {
        var configuration = ChangeMap.Configuration()
        configuration.sampleThreshold = 255  // nothing ever counts as change
        var search = ChangeDrivenSearch(isEnabled: true, fullSearchIntervalFrames: 10, configuration: configuration)
        let detector = CroppableDetector(workingSide: 640)
        let face = Box(x: 40, y: 40, width: 20, height: 20)
        let withFace = Self.withPatch(Self.scene(), at: face)
        _ = try Self.pass(&search, detector, frame: 0, image: Self.scene())
        var foundAt: Int?
        for frame in stride(from: 2, through: 20, by: 2) {
            let result = try Self.pass(&search, detector, frame: frame, image: withFace)
            if !result.detections.isEmpty {
                foundAt = frame
                break
            }
        }
        // The pass whose successor would come after the interval searches everything.
        #expect(foundAt == 10)
    }

    @Test func theOffSwitchAndUncroppableDetectorsSearchEverything() throws {
        let still = Self.scene()
        var off = ChangeDrivenSearch(isEnabled: false, fullSearchIntervalFrames: 30)
        for frame in 0..<3 {
            #expect(
                try Self.pass(&off, CroppableDetector(workingSide: 640), frame: frame, image: still).area == .everything
            )
        }
        #expect(off.searchedAreaFraction == 1)
        // A detector that cannot run on crops at the same scale is run on the whole frame.
        var on = ChangeDrivenSearch(isEnabled: true, fullSearchIntervalFrames: 30)
        let face = Box(x: 200, y: 200, width: 20, height: 20)
        _ = try Self.pass(&on, CroppableDetector(workingSide: nil), frame: 0, image: still)
        let result = try Self.pass(
            &on, CroppableDetector(workingSide: nil), frame: 1, image: Self.withPatch(still, at: face))
        #expect(result.detections.map(\.box) == [face])
        #expect(on.searchedAreaFraction == 1)
    }
}
