import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilVideo

@Suite struct UserRegionsTests {
    static let a = Box(x: 0, y: 0, width: 10, height: 10)
    static let b = Box(x: 100, y: 50, width: 30, height: 20)

    @Test func keyframesInterpolateAndHold() throws {
        let region = UserRegion(
            box: Self.a,
            keyframes: [.init(time: 2, box: Self.b), .init(time: 1, box: Self.a)]
        )
        #expect(region.box(at: 0) == Self.a)  // held before the first keyframe
        #expect(region.box(at: 1.5) == Box(x: 50, y: 25, width: 20, height: 15))
        #expect(region.box(at: 9) == Self.b)  // held after the last
        #expect(region.box(at: Double?.none) == Self.a)  // stills use the box
    }

    @Test func timeSpanLimitsTheRegion() {
        let region = UserRegion(box: Self.a, start: 1, end: 2)
        #expect(region.box(at: 0.5) == nil)
        #expect(region.box(at: 1.5) == Self.a)
        #expect(region.box(at: 2.5) == nil)
    }

    @Test func exclusionsRemoveDetectionsCentredInsideOnly() {
        let regions = UserRegions(exclusions: [
            UserRegion(label: "consented", box: Box(x: 0, y: 0, width: 100, height: 100))
        ])
        let inside = Detection(objectClass: .face, box: Box(x: 40, y: 40, width: 20, height: 20), score: 0.9)
        let straddling = Detection(objectClass: .face, box: Box(x: 90, y: 90, width: 40, height: 40), score: 0.9)
        let (kept, excluded) = regions.applyingExclusions(to: [inside, straddling], at: nil)
        #expect(kept == [straddling])
        #expect(excluded == 1)
    }

    @Test(arguments: [
        ("{", "regions file"),
        (#"{"version": 2, "regions": [], "exclusions": []}"#, "format version 2"),
        (#"{"version": 1, "regions": [{"box": {"x": 1}}], "exclusions": []}"#, "missing 'y' at .regions[0].box"),
        (
            #"{"version": 1, "regions": [{"box": {"x": 0, "y": 0, "width": 0, "height": 0}, "shape": "box", "keyframes": []}], "exclusions": []}"#,
            "empty box"
        ),
    ])
    func badRegionsFilesGiveClearErrors(json: String, message: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("regions-\(UUID()).json")
        try Data(json.utf8).write(to: url)
        #expect {
            try UserRegions.load(from: url)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func regionsFileRoundTrip() throws {
        let original = UserRegions(
            regions: [UserRegion(label: "badge", box: Self.b, shape: .ellipse, start: 1, end: 3)],
            exclusions: [UserRegion(label: "interviewer", box: Self.a)]
        )
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("regions-\(UUID()).json")
        try JSONEncoder().encode(original).write(to: url)
        #expect(try UserRegions.load(from: url) == original)
    }

    @Test func imageExclusionKeepsTheFaceAndManualRegionIsAlwaysMasked() throws {
        let directory = try TestSupport.directory()
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: .fill)
        // The astronaut's face is excluded; the exclusion also covers the manual region, which
        // must be masked anyway.
        let badge = Box(x: 280, y: 340, width: 60, height: 30)
        settings.userRegions = UserRegions(
            regions: [UserRegion(label: "badge", box: badge)],
            exclusions: [UserRegion(label: "consented", box: Box(x: 100, y: 0, width: 300, height: 400))]
        )
        let detector = try DetectorChoice.ensemble.makeDetector(targets: [.face], threshold: settings.threshold)
        let output = directory.appendingPathComponent("out.png")
        let outcome = try ImageAnonymizer(detector: detector, settings: settings)
            .anonymize(input: TestSupport.astronaut, output: output)
        #expect(outcome.excludedDetections == 1)
        #expect(outcome.manualRegions == 1)
        let original = try ImageCodec.read(TestSupport.astronaut)
        let masked = try ImageCodec.read(output)
        #expect(masked[225, 115] == original[225, 115])  // the face is untouched
        #expect(masked[300, 350] == (0, 0, 0))  // the badge is filled
    }

    @Test func videoRegionIsMaskedOnlyInItsTimeSpan() throws {
        let directory = try TestSupport.directory()
        let input = try VideoPipelineTests.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: .fill)
        let corner = Box(x: 260, y: 10, width: 50, height: 40)
        settings.userRegions = UserRegions(regions: [UserRegion(label: "screen", box: corner, start: 1, end: 2)])
        var video = VideoSettings()
        video.output = VideoOutputOptions(crf: 0, preset: .ultrafast)
        let anonymizer = VideoAnonymizer(
            detectors: [VideoAnonymizer.ClassDetector(objectClass: .face, detector: BrightSquareDetector(), stride: 1)],
            settings: settings,
            video: video
        )
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.framesWithManualRegions == 26)  // frames at 1.00 … 2.00 s at 25 fps
        let reader = try VideoReader(url: output)
        while let frame = try reader.nextFrame() {
            let isBlack = frame.image[280, 30] == (0, 0, 0)
            let inSpan = frame.timestamp >= 1 && frame.timestamp <= 2
            #expect(isBlack == inSpan, "frame \(frame.index) at \(frame.timestamp) s")
        }
    }
}

@Suite struct PolygonRegionTests {
    static let triangle = [Point(x: 10, y: 10), Point(x: 90, y: 10), Point(x: 10, y: 90)]

    @Test func polygonContainsByEvenOddRule() {
        let region = MaskRegion(polygon: Self.triangle, objectClass: .face)
        #expect(region.box == Box(x: 10, y: 10, width: 80, height: 80))
        #expect(region.contains(Point(x: 20, y: 20)))
        #expect(!region.contains(Point(x: 80, y: 80)))
    }

    @Test func polygonIsMaskedAsDrawn() throws {
        var image = Image(size: PixelSize(width: 100, height: 100), blue: 200, green: 200, red: 200)
        try Masker(style: .fill).apply([MaskRegion(polygon: Self.triangle, objectClass: .face)], to: &image)
        #expect(image[15, 15] == (0, 0, 0))
        #expect(image[12, 85] == (0, 0, 0))
        #expect(image[85, 85] == (200, 200, 200))
        #expect(image[5, 5] == (200, 200, 200))
    }

    @Test func polygonFromARegionsFileNeedsNoBox() throws {
        let json =
            #"{"version": 1, "regions": [{"label": "screen", "points": [{"x": 10, "y": 10}, {"x": 90, "y": 10}, {"x": 10, "y": 90}]}], "exclusions": []}"#
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("polygon-\(UUID()).json")
        try Data(json.utf8).write(to: url)
        let regions = try UserRegions.load(from: url)
        let masks = regions.masks(at: nil)
        #expect(masks.first?.shape == .polygon)
        #expect(masks.first?.contains(Point(x: 20, y: 20)) == true)
        let twoPoints =
            #"{"version": 1, "regions": [{"shape": "polygon", "points": [{"x": 1, "y": 1}, {"x": 5, "y": 5}]}], "exclusions": []}"#
        try Data(twoPoints.utf8).write(to: url)
        #expect(throws: PipelineError.self) { try UserRegions.load(from: url) }
    }
}
