import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilTestSupport
import VeilVideo

/// Plates only the high-resolution passes see (a wide frame, a small plate): followed in crops
/// between those passes so that they are masked on every frame, and a one-off find that no
/// follow-up confirms is never masked (without the follow-up it would be, on its frame).
@Suite(.serialized) struct PlateFollowUpTests {
    /// A 2 s, 25 fps, 320×240 clip: a white 16×10 "plate" moving right at 60 px/s over grey.
    static func smallPlateClip(in directory: URL) throws -> URL {
        try VideoPipelineTests.movingBoxClip(
            in: directory, name: "plate.mp4", box: "16x10", seconds: 2, withTone: false)
    }

    /// High-resolution passes on every 10th frame (`highResolution`), blind 160 px passes on
    /// every frame between, and optionally a follow-up reading crops with `crops`.
    static func anonymizer(highResolution: BrightSquareDetector, crops: BrightSquareDetector?) -> VideoAnonymizer {
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: .fill)
        settings.planner = MaskPlanner(faceShape: .box, faceMargin: .uniform(0.1))
        var video = VideoSettings()
        video.lookAheadSeconds = 1
        video.output = VideoOutputOptions(crf: 0, preset: .ultrafast)
        let blind = BrightSquareDetector(missing: Set(0..<100), workingSide: 160)
        var detector = VideoAnonymizer.ClassDetector(
            objectClass: .face, detector: highResolution, stride: 10,
            coarse: VideoAnonymizer.CoarsePass(detector: blind, stride: 1, reliableSide: 32))
        detector.followUp = crops.map { PlateFollowUp(detector: $0) }
        return VideoAnonymizer(detectors: [detector], settings: settings, video: video)
    }

    @Test func aSmallPlateFoundAtHighResolutionIsMaskedOnEveryFrame() throws {
        let directory = try TestSupport.directory()
        let input = try Self.smallPlateClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let crops = BrightSquareDetector()
        let anonymizer = Self.anonymizer(highResolution: BrightSquareDetector(), crops: crops)
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.framesWithMasks == 50)
        #expect(try VideoPipelineTests.expectSquareHidden(in: output) == 50)
        // Crops, not frames: the follow-up never reads more than a small part of the frame.
        #expect(!crops.seenSizes.isEmpty)
        #expect(crops.seenSizes.allSatisfy { $0.width <= 192 && $0.height <= 192 })
    }

    @Test func aOneOffFindNoFollowUpConfirmsIsNotMasked() throws {
        let directory = try TestSupport.directory()
        let input = try Self.smallPlateClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        // The high-resolution pass finds it on its first call only; no crop ever does.
        let anonymizer = Self.anonymizer(
            highResolution: BrightSquareDetector(missing: Set(1..<10)),
            crops: BrightSquareDetector(missing: Set(0..<100)))
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.framesWithMasks == 0)
    }
}
