import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilVideo

@Suite(.serialized) struct TracksFileTests {
    static func anonymizer(stride: Int = 1, excluding: Set<Int> = []) -> VideoAnonymizer {
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: .fill)
        settings.planner = MaskPlanner(faceShape: .box, faceMargin: .uniform(0.1))
        settings.excludedTrackIDs = excluding
        var video = VideoSettings()
        video.output = VideoOutputOptions(crf: 0, preset: .ultrafast)
        return VideoAnonymizer(
            detectors: [
                VideoAnonymizer.ClassDetector(objectClass: .face, detector: BrightSquareDetector(), stride: stride)
            ],
            settings: settings,
            video: video
        )
    }

    static func tracksFile(for input: URL) throws -> TracksFile {
        let result = try anonymizer().detectPlans(input: input)
        return TracksFile(
            media: try TracksFile.media(of: input, info: result.info, frames: result.outcome.frames),
            provenance: TracksFile.Provenance(
                tool: "test", models: [], threshold: 0.2, targets: [.face], detectionStride: 1,
                plateDetectionStride: 1, lookAheadSeconds: 1
            ),
            plans: result.plans
        )
    }

    static func frames(_ url: URL) throws -> [Image] {
        let reader = try VideoReader(url: url)
        var images: [Image] = []
        while let frame = try reader.nextFrame() { images.append(frame.image) }
        return images
    }

    @Test func renderFromTracksMatchesAnonymize() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let file = try Self.tracksFile(for: input)
        #expect(file.media.frames == 75)
        #expect(file.tracks.count == 1)
        #expect(file.tracks.first?.boxes.count == 75)
        let anonymized = directory.appendingPathComponent("anonymized.mp4")
        let rendered = directory.appendingPathComponent("rendered.mp4")
        _ = try Self.anonymizer().anonymize(input: input, output: anonymized)
        // Render runs no detector: an anonymizer without detectors, plans from the file.
        var settings = Self.anonymizer().settings
        settings.targets = [.face]
        let renderer = VideoAnonymizer(detectors: [], settings: settings, video: Self.anonymizer().video)
        _ = try renderer.render(input: input, output: rendered, plans: file.plansByFrame)
        let (a, b) = (try Self.frames(anonymized), try Self.frames(rendered))
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.pixels == $1.pixels })
    }

    @Test func roundTripThroughJSON() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let file = try Self.tracksFile(for: input)
        let url = directory.appendingPathComponent("t.json")
        try file.jsonData().write(to: url)
        #expect(try TracksFile.load(from: url) == file)
        try file.verify(mediaAt: input)
    }

    @Test func otherMediaIsRefused() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let file = try Self.tracksFile(for: input)
        let other = directory.appendingPathComponent("other.mp4")
        var bytes = try Data(contentsOf: input)
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: other)
        #expect {
            try file.verify(mediaAt: other)
        } throws: { error in
            "\(error)".contains("was made for square.mp4")
        }
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        (#"{"format": "something-else", "version": 1}"#, "not a Veil tracks file"),
        (#"{"format": "veil-tracks", "version": 7}"#, "version 7 is not supported"),
        (#"{"format": "veil-tracks", "version": 1, "tracks": []}"#, "missing 'media'"),
        // The fuzzer's crash (Fuzz/corpus/tracks/huge-plate-height.json): a 9.2e19 px height
        // trapped the masker's integer conversion; it is refused where it is read.
        (Self.withBox(#"{"x": 40, "y": 30, "width": 22, "height": 92233720368547758078}"#), "track 2, frame 1"),
        (Self.withBox(#"{"x": 40, "y": 30, "width": 0, "height": 10}"#), "sides positive"),
    ])
    func badTracksFilesGiveClearErrors(json: String, message: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tracks-\(UUID()).json")
        try Data(json.utf8).write(to: url)
        #expect {
            try TracksFile.load(from: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func excludedTrackStaysVisible() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let file = try Self.tracksFile(for: input)
        let id = try #require(file.tracks.first?.id)
        let output = directory.appendingPathComponent("out.mp4")
        let renderer = VideoAnonymizer(
            detectors: [],
            settings: Self.anonymizer(excluding: [id]).settings,
            video: Self.anonymizer().video
        )
        let outcome = try renderer.render(input: input, output: output, plans: file.plansByFrame)
        #expect(outcome.excludedBoxes == 75)
        let first = try #require(try Self.frames(output).first)
        #expect(BrightSquareDetector.brightBox(in: first) != nil)
    }

    @Test func givenMasksAreDrawnOnTheirFramesOnly() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        // The square moves 2.4 px a frame from x = 20; a mask follows it on frames 10…49 only.
        var masks: [Int: [MaskRegion]] = [:]
        for frame in 10..<50 {
            let box = Box(x: 20 + 2.4 * Double(frame) - 4, y: 96, width: 48, height: 48)
            masks[frame] = [MaskRegion(box: box, shape: .box, objectClass: .face)]
        }
        let renderer = VideoAnonymizer(
            detectors: [], settings: Self.anonymizer().settings, video: Self.anonymizer().video)
        let outcome = try renderer.render(input: input, output: output, plans: [:], masks: masks)
        #expect(outcome.framesWithManualRegions == 40)
        let frames = try Self.frames(output)
        #expect(frames.count == 75)
        for (index, frame) in frames.enumerated() {
            let visible = BrightSquareDetector.brightBox(in: frame, level: 120) != nil
            #expect(visible != (10..<50).contains(index), "frame \(index)")
        }
    }

    /// A valid tracks file whose second track's one box is `box` (JSON).
    static func withBox(_ box: String) -> String {
        #"""
        {"format":"veil-tracks","version":1,
         "media":{"fileName":"clip.mp4","sha256":"00","bytes":1000,"width":64,"height":48,"frames":3,"durationSeconds":0.1},
         "provenance":{"tool":"veil","models":[],"threshold":0.2,"targets":["face","plate"],"detectionStride":2,
           "plateDetectionStride":4,"lookAheadSeconds":1,"fullDetectionStride":4,"coarseDetectionSide":640},
         "tracks":[
          {"id":1,"objectClass":"face","boxes":[{"frame":1,"box":{"x":11,"y":8,"width":20,"height":24},"source":"predicted"}]},
          {"id":2,"objectClass":"plate","boxes":[{"frame":1,"box":
        """# + box + #","source":"detected","score":0.5}]}],"looseBoxes":[]}"#
    }
}
