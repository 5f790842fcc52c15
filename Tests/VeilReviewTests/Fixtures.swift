import Foundation
import VeilGeometry
import VeilPipeline
import VeilReview
import VeilTracking

/// Small tracks files and sessions made in memory.
enum Fixtures {
    static let mediaSHA256 = String(repeating: "a", count: 64)
    static let tracksSHA256 = String(repeating: "b", count: 64)
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    /// A 100-frame video: track 1 (face) on frames 0…49, track 2 (face) on frames 40…79, track 3
    /// (plate) on frames 60…99. Boxes are detected on every 10th frame, predicted between; box
    /// x = frame, y = 10 × track, 20 × 20.
    static func tracksFile() -> TracksFile {
        func track(_ id: Int, _ objectClass: ObjectClass, _ frames: Range<Int>) -> TracksFile.Track {
            TracksFile.Track(
                id: id, objectClass: objectClass,
                boxes: frames.map { frame in
                    let detected = frame % 10 == 0
                    return TracksFile.TrackBox(
                        frame: frame, box: box(frame, id), source: detected ? .detected : .predicted,
                        score: detected ? 0.9 : nil,
                        landmarks: detected ? [Point(x: Double(frame) + 5, y: Double(10 * id) + 5)] : nil)
                })
        }
        var file = TracksFile(
            media: TracksFile.Media(
                fileName: "clip.mp4", sha256: mediaSHA256, bytes: 1000, width: 320, height: 240, frames: 100,
                durationSeconds: 4),
            provenance: TracksFile.Provenance(
                tool: "test", models: [], threshold: 0.2, targets: [.face, .plate], detectionStride: 1,
                plateDetectionStride: 1, lookAheadSeconds: 1),
            plans: [])
        file.tracks = [track(1, .face, 0..<50), track(2, .face, 40..<80), track(3, .plate, 60..<100)]
        return file
    }

    static func box(_ frame: Int, _ track: Int) -> Box {
        Box(x: Double(frame), y: Double(10 * track), width: 20, height: 20)
    }

    static func document() throws -> ReviewDocument { try ReviewDocument(tracksFile: tracksFile()) }

    static func session() throws -> ReviewSession {
        ReviewSession(document: try document(), mediaSHA256: mediaSHA256, tracksSHA256: tracksSHA256)
    }

    static func region(id: Int = 1, shape: MaskShape = .box, first: Int = 10, last: Int? = 30) -> ManualRegion {
        ManualRegion(
            id: id, label: "name badge", shape: shape, firstFrame: first, lastFrame: last,
            keyframes: [
                .init(frame: 10, box: Box(x: 100, y: 100, width: 40, height: 20)),
                .init(frame: 30, box: Box(x: 140, y: 120, width: 80, height: 40)),
            ],
            points: shape == .polygon
                ? [Point(x: 100, y: 100), Point(x: 140, y: 100), Point(x: 120, y: 120)] : nil)
    }

    static func frames(_ track: TracksFile.Track?) -> [Int] { track?.boxes.map(\.frame) ?? [] }
}
