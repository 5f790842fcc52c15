import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview

/// A review of photos: one session per photo over one log, per-photo undo, replay, and the
/// export through the image path.
@Suite struct PhotoReviewTests {
    static let detectionsSHA256 = String(repeating: "c", count: 64)

    /// Two photos in memory: a.png with two faces, b.png with none.
    static func detections(
        shaA: String = String(repeating: "1", count: 64), shaB: String = String(repeating: "2", count: 64)
    )
        -> PhotoDetections
    {
        PhotoDetections(
            detector: "test", models: [], threshold: 0.2, targets: [.face],
            photos: [
                .init(
                    fileName: "b.png", sha256: shaB, bytes: 10, width: 64, height: 48, detections: []),
                .init(
                    fileName: "a.png", sha256: shaA, bytes: 10, width: 64, height: 48,
                    detections: [
                        Detection(objectClass: .face, box: Box(x: 4, y: 4, width: 16, height: 16), score: 0.9),
                        Detection(objectClass: .face, box: Box(x: 40, y: 4, width: 16, height: 16), score: 0.8),
                    ]),
            ])
    }

    static func region(_ id: Int = 1) -> ManualRegion {
        ManualRegion(
            id: id, label: "name badge", shape: .box, firstFrame: 0, lastFrame: 0,
            keyframes: [.init(frame: 0, box: Box(x: 4, y: 28, width: 16, height: 16))])
    }

    @Test func photosAreSortedAndEachDetectionIsAOneBoxTrack() throws {
        let file = Self.detections()
        #expect(file.photos.map(\.fileName) == ["a.png", "b.png"])
        let tracks = file.tracksFile(forPhoto: 0)
        #expect(tracks.media.frames == 1)
        #expect(tracks.tracks.map(\.id) == [1, 2])
        #expect(tracks.tracks.allSatisfy { $0.boxes.count == 1 && $0.boxes[0].frame == 0 })
    }

    @Test func entriesNamePhotoAndHashAndUndoIsPerPhoto() throws {
        var review = try PhotoReview(detections: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        let keep = try review.perform(
            .keepVisible(track: 1, reason: "consented"), photo: 0, by: "Ana", because: "form 12", at: Fixtures.date)
        let add = try review.perform(.addRegion(Self.region()), photo: 1, by: "Ana", at: Fixtures.date)
        #expect(keep.seq == 1 && add.seq == 2)
        #expect(keep.photo == "a.png" && add.photo == "b.png")
        #expect(keep.mediaSHA256 == String(repeating: "1", count: 64))
        #expect(add.mediaSHA256 == String(repeating: "2", count: 64))
        #expect(keep.tracksSHA256 == Self.detectionsSHA256)
        // Undo on photo 0 reverts photo 0's decision, not the later one on photo 1.
        let undo = try review.undo(photo: 0, by: "Ana", at: Fixtures.date)
        #expect(undo.seq == 3 && undo.target == 1 && undo.photo == "a.png")
        #expect(review.sessions[0].document.states[1]?.visibleReason == nil)
        #expect(review.sessions[1].document.regions.count == 1)
        #expect(throws: ReviewError.nothingToUndo) { try review.undo(photo: 0, by: "Ana") }
        #expect(throws: ReviewError.noSuchPhoto(5)) { try review.perform(.mask(track: 1), photo: 5, by: "Ana") }
        let redo = try review.redo(photo: 0, by: "Ana", at: Fixtures.date)
        #expect(redo.seq == 4 && redo.target == 1)

        // The log written and read back replays to the same review.
        let parsed = try EditLog.parse(EditLog.data(for: review.entries))
        let replayed = try PhotoReview.replay(
            parsed, onto: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        #expect(replayed.sessions.map(\.document) == review.sessions.map(\.document))
        #expect(replayed.entries == review.entries)
    }

    @Test func replayRefusesEntriesForOtherPhotosOrFiles() throws {
        var review = try PhotoReview(detections: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        try review.perform(.setVideoReviewed(true), photo: 0, by: "Ana", at: Fixtures.date)
        var entry = review.entries[0]
        entry.photo = "c.png"
        #expect(throws: ReviewError.line(1, .malformedEntry("photo 'c.png' is not in the detections file"))) {
            try PhotoReview.replay([entry], onto: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        }
        entry.photo = nil
        #expect(throws: ReviewError.self) {
            try PhotoReview.replay([entry], onto: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        }
        // A changed photo (another SHA-256) does not take the old decisions.
        #expect(throws: ReviewError.self) {
            try PhotoReview.replay(
                review.entries, onto: Self.detections(shaA: String(repeating: "9", count: 64)),
                detectionsSHA256: Self.detectionsSHA256)
        }
        // A video's session refuses an entry that names a photo.
        #expect(throws: ReviewError.line(1, .malformedEntry("this entry is for photo 'a.png', not for a video"))) {
            try ReviewSession.replay(
                review.entries, onto: try Fixtures.document(), mediaSHA256: String(repeating: "1", count: 64),
                tracksSHA256: Self.detectionsSHA256)
        }
    }

    @Test func aPhotoIsReviewedWhenSignedOffOrEveryBoxIs() throws {
        var review = try PhotoReview(detections: Self.detections(), detectionsSHA256: Self.detectionsSHA256)
        #expect(review.unreviewedPhotos == [0, 1])
        try review.perform(.setTrackReviewed(track: 1, isReviewed: true), photo: 0, by: "Ana")
        #expect(review.unreviewedPhotos == [0, 1])
        try review.perform(.setTrackReviewed(track: 2, isReviewed: true), photo: 0, by: "Ana")
        // b.png has no detection: only a sign-off counts (a missed face is what is looked for).
        #expect(review.unreviewedPhotos == [1])
        #expect(!review.isUnreviewedExportAllowed)
        let overrides = try review.allowUnreviewedExport(by: "Ana", because: "deadline")
        #expect(overrides.map(\.photo) == ["b.png"])
        #expect(overrides.map(\.what) == [.allowUnreviewedExport(tracks: [])])
        #expect(review.isUnreviewedExportAllowed)
        try review.perform(.setVideoReviewed(true), photo: 1, by: "Ana")
        #expect(review.unreviewedPhotos.isEmpty)
    }

    // MARK: Export through the image path

    /// A folder with a.png (two white squares, detected) and b.png (one grey square, not
    /// detected), their detections file, and a log.
    struct Folder {
        var root: URL
        var photos: URL
        var detections: URL
        var edits: URL

        init(name: String = #function) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "veil-photo-review-\(name.filter(\.isLetter))-\(UUID().uuidString)")
            photos = root.appendingPathComponent("photos")
            try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
            for name in ["a.png", "b.png"] {
                var image = Image(size: PixelSize(width: 64, height: 48), blue: 128, green: 128, red: 128)
                for (x0, y0) in [(4, 4), (40, 4), (4, 28)] {
                    for y in y0..<(y0 + 16) {
                        for x in x0..<(x0 + 16) {
                            let offset = image.offset(x: x, y: y)
                            image.pixels.replaceSubrange(offset..<(offset + 3), with: [255, 255, 255])
                        }
                    }
                }
                try ImageCodec.encode(image, format: .png, quality: 92).write(to: photos.appendingPathComponent(name))
            }
            detections = PhotoDetections.url(forInput: photos)
            edits = PhotoDetections.editsURL(forInput: photos)
            func record(_ name: String, _ found: [Detection]) throws -> PhotoDetections.Photo {
                let url = photos.appendingPathComponent(name)
                let bytes = try Data(contentsOf: url)
                return .init(
                    fileName: name, sha256: SHA256.hex(of: bytes), bytes: bytes.count, width: 64, height: 48,
                    detections: found)
            }
            let file = PhotoDetections(
                detector: "test", models: [], threshold: 0.2, targets: [.face],
                photos: [
                    try record(
                        "a.png",
                        [
                            Detection(objectClass: .face, box: Box(x: 4, y: 4, width: 16, height: 16), score: 0.9),
                            Detection(objectClass: .face, box: Box(x: 40, y: 4, width: 16, height: 16), score: 0.8),
                        ]),
                    try record("b.png", []),
                ])
            try file.jsonData().write(to: detections)
        }

        func review() throws -> PhotoReview {
            try PhotoReview(
                detections: try PhotoDetections.load(from: detections),
                detectionsSHA256: try SHA256.hex(ofFileAt: detections))
        }

        func render(to output: URL, allowingUnreviewed: Bool = false) -> PhotoReviewedRender {
            var settings = AnonymizationSettings()
            settings.masker.style = .fill
            settings.planner.faceShape = .box
            return PhotoReviewedRender(
                input: photos, detections: detections, edits: edits, output: output, settings: settings,
                allowsUnreviewed: allowingUnreviewed)
        }
    }

    static func isWhite(_ image: Image, _ x: Int, _ y: Int) -> Bool {
        let pixel = image[x, y]
        return pixel.red > 240 && pixel.green > 240 && pixel.blue > 240
    }

    @Test func exportMasksWhatWasDecidedAndReplaysByteForByte() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(at: folder.root) }
        let inputHash = try SHA256.hex(ofFileAt: folder.photos.appendingPathComponent("a.png"))
        var review = try folder.review()
        var entries: [EditLogEntry] = []
        entries.append(try review.perform(.keepVisible(track: 2, reason: "consented"), photo: 0, by: "Ana"))
        entries.append(try review.perform(.setVideoReviewed(true), photo: 0, by: "Ana"))
        entries.append(try review.perform(.addRegion(Self.region()), photo: 1, by: "Ana", because: "badge"))
        try EditLog.append(entries, to: folder.edits)

        // Refused while b.png is unreviewed, unless allowed.
        #expect(throws: ReviewedRender.Failure.self) {
            try folder.render(to: folder.root.appendingPathComponent("x")).prepare()
        }
        let signOff = try review.perform(.setVideoReviewed(true), photo: 1, by: "Ana")
        try EditLog.append([signOff], to: folder.edits)

        let first = folder.root.appendingPathComponent("out1")
        let render = folder.render(to: first)
        let report = render.run(try render.prepare(), version: "test")
        #expect(report.failed == 0)
        #expect(report.review.decisions.map(\.photo) == ["a.png", "a.png", "b.png", "b.png"])
        #expect(report.photos[0].visibleTracks == [CompiledReview.VisibleTrack(track: 2, reason: "consented")])
        let a = try ImageCodec.read(first.appendingPathComponent("a.png"))
        let b = try ImageCodec.read(first.appendingPathComponent("b.png"))
        #expect(!Self.isWhite(a, 12, 12))  // track 1: masked
        #expect(Self.isWhite(a, 48, 12))  // track 2: kept visible
        #expect(Self.isWhite(a, 12, 36))  // nothing decided there on a.png
        #expect(!Self.isWhite(b, 12, 36))  // b.png: the region added
        #expect(Self.isWhite(b, 12, 12))  // b.png had no detection
        #expect(report.photos[0].outputSHA256 == (try SHA256.hex(ofFileAt: first.appendingPathComponent("a.png"))))
        #expect(try SHA256.hex(ofFileAt: folder.photos.appendingPathComponent("a.png")) == inputHash)

        // Replayed again (as `veil render --edits` does): the same bytes.
        let second = folder.root.appendingPathComponent("out2")
        let again = folder.render(to: second)
        let report2 = again.run(try again.prepare(), version: "test")
        #expect(report2.photos.map(\.outputSHA256) == report.photos.map(\.outputSHA256))
    }

    @Test func aChangedPhotoFailsAloneWithOneLine() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(at: folder.root) }
        let output = folder.root.appendingPathComponent("out")
        // b.png replaced after detection: it fails, a.png is still written.
        try Data("not a photo".utf8).write(to: folder.photos.appendingPathComponent("b.png"))
        try Data().write(to: folder.edits)  // an empty log: nothing decided
        let render = folder.render(to: output, allowingUnreviewed: true)
        let report = render.run(try render.prepare(), version: "test")
        #expect(report.failed == 1)
        let error = try #require(report.photos[1].error)
        #expect(error.hasPrefix("b.png: changed since detection"))
        #expect(!error.contains("\n"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("a.png").path))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("b.png").path))
        #expect(report.review.unreviewedExportAllowed)
    }

    @Test func aSinglePhotoIsReviewedAndExportedToOneFile() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(at: folder.root) }
        let photo = folder.photos.appendingPathComponent("a.png")
        let all = try PhotoDetections.load(from: folder.detections)
        let detections = PhotoDetections.url(forInput: photo)
        let single = PhotoDetections(
            detector: all.detector, models: [], threshold: all.threshold, targets: all.targets,
            photos: [all.photos[0]])
        try single.jsonData().write(to: detections)
        var review = try PhotoReview(detections: single, detectionsSHA256: try SHA256.hex(ofFileAt: detections))
        let edits = PhotoDetections.editsURL(forInput: photo)
        try EditLog.append([try review.perform(.setVideoReviewed(true), photo: 0, by: "Ana")], to: edits)
        let output = PhotoDetections.defaultOutput(forInput: photo)
        #expect(output.lastPathComponent == "a.reviewed.png")
        let render = PhotoReviewedRender(
            input: photo, detections: detections, edits: edits, output: output, settings: AnonymizationSettings())
        let report = render.run(try render.prepare(), version: "test")
        #expect(report.failed == 0)
        #expect(report.photos.first?.output == "a.reviewed.png")
        #expect(report.photos.first?.outputSHA256 == (try SHA256.hex(ofFileAt: output)))
    }

    @Test func filesSitBesideTheFolderOrPhoto() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(at: folder.root) }
        #expect(folder.detections.lastPathComponent == "photos.detections.json")
        #expect(folder.edits.lastPathComponent == "photos.edits.jsonl")
        #expect(PhotoDetections.defaultOutput(forInput: folder.photos).lastPathComponent == "photos.reviewed")
        let single = folder.photos.appendingPathComponent("a.png")
        #expect(PhotoDetections.url(forInput: single).lastPathComponent == "a.detections.json")
        #expect(PhotoDetections.defaultOutput(forInput: single).lastPathComponent == "a.reviewed.png")
        #expect(PhotoDetections.photoNames(in: folder.photos) == ["a.png", "b.png"])
        let file = try PhotoDetections.load(from: folder.detections)
        #expect(file.mismatch(withPhotosIn: folder.photos, names: ["a.png", "b.png"]) == nil)
        try Data("x".utf8).write(to: folder.photos.appendingPathComponent("a.png"))
        #expect(
            file.mismatch(withPhotosIn: folder.photos, names: ["a.png", "b.png"]) == "a.png changed since detection")
    }
}
