import Testing
import VeilGeometry
import VeilPipeline
import VeilReview
import VeilTestSupport

/// Random operations, extreme arguments included: none crashes, each that applies is undone
/// exactly by its inverse, and the document's invariants hold after every one.
@Suite struct InvariantTests {
    /// Mostly sensible arguments, one in five extreme (out of range, overflowing, not finite).
    static func randomOperation(_ random: inout SplitMix64, existing: [Int], nextID: Int) -> EditOperation {
        func isExtreme() -> Bool { Int.random(in: 0..<5, using: &random) == 0 }
        func frame() -> Int {
            isExtreme()
                ? [-1, 100, Int.max, Int.min].randomElement(using: &random)! : Int.random(in: 0..<100, using: &random)
        }
        func track() -> Int {
            isExtreme()
                ? [-5, nextID + 7, Int.max].randomElement(using: &random)! : existing.randomElement(using: &random) ?? 1
        }
        func box() -> Box {
            if isExtreme() {
                let values = [0, -10, 1e7, .infinity, -.infinity]
                return Box(
                    x: values.randomElement(using: &random)!, y: 1, width: values.randomElement(using: &random)!,
                    height: 5)
            }
            return Box(
                x: Double.random(in: 0..<300, using: &random), y: Double.random(in: 0..<200, using: &random),
                width: Double.random(in: 1..<80, using: &random), height: Double.random(in: 1..<80, using: &random))
        }
        switch Int.random(in: 0..<11, using: &random) {
        case 0: return .mask(track: track())
        case 1: return .keepVisible(track: track(), reason: Bool.random(using: &random) ? "consented" : "")
        case 2: return .split(track: track(), frame: frame(), newTrack: Bool.random(using: &random) ? nextID : track())
        case 3: return .merge(track: track(), into: track())
        case 4: return .deleteBoxes(track: track(), frame: frame(), toward: Bool.random(using: &random) ? .start : .end)
        case 5, 6: return .moveBox(track: track(), frame: frame(), box: box())
        case 7:
            let first = frame()
            return .addRegion(
                ManualRegion(
                    id: Int.random(in: 1...3, using: &random), label: "r", shape: .ellipse, firstFrame: first,
                    lastFrame: Bool.random(using: &random) ? nil : frame(),
                    keyframes: [.init(frame: first, box: box()), .init(frame: frame(), box: box())]))
        case 8: return .setRegionKeyframe(region: Int.random(in: 1...3, using: &random), frame: frame(), box: box())
        case 9: return .setTrackReviewed(track: track(), isReviewed: Bool.random(using: &random))
        default: return .removeRegion(id: Int.random(in: 1...3, using: &random))
        }
    }

    static func expectInvariants(_ document: ReviewDocument) {
        let ids = document.tracksFile.tracks.map(\.id)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        #expect(Set(document.states.keys) == Set(ids))
        for track in document.tracksFile.tracks {
            let frames = track.boxes.map(\.frame)
            #expect(!frames.isEmpty)
            #expect(zip(frames, frames.dropFirst()).allSatisfy { $0 < $1 })
            #expect(frames.allSatisfy { (0..<document.frames).contains($0) })
            let corrected = Set(document.states[track.id]?.correctedFrames ?? [])
            #expect(corrected.isSubset(of: frames))
        }
        #expect(document.regions.allSatisfy { (try? $0.validate(frames: document.frames)) != nil })
    }

    @Test func randomOperationsKeepTheInvariantsAndUndoExactly() throws {
        var random = SplitMix64(seed: 6)
        var document = try Fixtures.document()
        var applied = 0
        for _ in 0..<2000 {
            if document.tracksFile.tracks.isEmpty { document = try Fixtures.document() }
            let existing = document.tracksFile.tracks.map(\.id)
            let operation = Self.randomOperation(&random, existing: existing, nextID: (existing.max() ?? 0) + 1)
            let before = document
            guard let inverse = try? document.apply(operation) else {
                #expect(document == before, "a refused \(operation.name) changed the document")
                continue
            }
            applied += 1
            Self.expectInvariants(document)
            var undone = document
            try undone.apply(inverse)
            #expect(undone == before, "\(operation.name) was not undone exactly")
        }
        #expect(applied > 500)
    }
}
