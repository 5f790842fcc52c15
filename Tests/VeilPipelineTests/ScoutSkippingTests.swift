import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTestSupport
import VeilVideo

@testable import VeilPipeline

/// The scout (the detectors' own decoder when the look-ahead does not hold frames) leaves out
/// non-reference frames no pass needs: the output is the one of a scout that decodes every
/// frame, frame for frame, and masks land on the frames they belong to.
@Suite(.serialized) struct ScoutSkippingTests {
    /// A 2 s, 320×240 near-lossless clip (x264 drops B-frames when lossless) with B-frames (pyramid unless `isFlat`): a white 40×40
    /// square moving right 125 px/s over grey (5 px per frame at 25 fps), so a mask one frame
    /// off leaves an edge of it visible.
    static func fastSquareClip(in directory: URL, frameRate: Int, isFlat: Bool = false) throws -> URL {
        let url = directory.appendingPathComponent("fast-\(frameRate)-\(isFlat ? "flat" : "pyramid").mp4")
        let arguments = [
            "-loglevel", "error", "-y", "-f", "lavfi", "-i",
            "color=c=0x404040:size=320x240:rate=\(frameRate):duration=2",
            "-f", "lavfi", "-i", "color=c=white:size=40x40:rate=\(frameRate):duration=2",
            "-filter_complex", "[0:v][1:v]overlay=x='10+t*125':y=100[v]", "-map", "[v]",
            "-c:v", "libx264", "-preset", "medium", "-bf", "3", "-g", "30", "-x264-params",
            "b-adapt=0:b-pyramid=\(isFlat ? "none" : "normal")", "-qp", "10", "-pix_fmt", "yuv420p", url.path,
        ]
        try #require(TestSupport.run("ffmpeg", arguments), "ffmpeg could not make the test clip")
        return url
    }

    /// An anonymizer whose scout always runs (no look-ahead budget), skipping or not.
    static func anonymizer(stride: Int, isSkipping: Bool) -> VideoAnonymizer {
        let base = VideoPipelineTests.anonymizer(BrightSquareDetector(), stride: stride)
        var video = base.video
        video.lookAheadMemoryBytes = 0
        video.skipsFramesWithoutPasses = isSkipping
        return VideoAnonymizer(detectors: base.detectors, settings: base.settings, video: video)
    }

    /// SHA-256 of each decoded frame of `url`.
    static func frameDigests(_ url: URL) throws -> [String] {
        let reader = try VideoReader(url: url)
        var digests: [String] = []
        while let frame = try reader.nextFrame() { digests.append(SHA256.hex(of: Data(frame.picture.planes))) }
        return digests
    }

    @Test(arguments: [(25, false, 2), (25, true, 2), (25, false, 3), (50, false, 2)])
    func skippingGivesTheSameOutputFrameForFrame(frameRate: Int, isFlat: Bool, stride: Int) throws {
        let directory = try TestSupport.directory()
        let input = try Self.fastSquareClip(in: directory, frameRate: frameRate, isFlat: isFlat)
        var outcomes: [VideoOutcome] = []
        var digests: [[String]] = []
        for isSkipping in [false, true] {
            let output = directory.appendingPathComponent("out-\(isSkipping).mp4")
            let outcome = try Self.anonymizer(stride: stride, isSkipping: isSkipping).anonymize(
                input: input, output: output)
            let frames = 2 * frameRate
            #expect(outcome.frames == frames)
            #expect(outcome.framesWithMasks == frames)
            #expect(try VideoPipelineTests.expectSquareHidden(in: output) == frames)
            outcomes.append(outcome)
            digests.append(try Self.frameDigests(output))
        }
        #expect(digests[0] == digests[1], "skipping changed the output")
        #expect(outcomes[0].detections == outcomes[1].detections)
        #expect(outcomes[0].tracks == outcomes[1].tracks)
        #expect(outcomes[0].maskedBoxesBySource == outcomes[1].maskedBoxesBySource)
        #expect(outcomes[0].scoutSkippedFrames == nil)
        // The strides follow the frame rate: stride 2 at 30 fps is 3 at 50 fps.
        let ranStride = try #require(outcomes[1].detectionStrides["face"])
        #expect(ranStride == (frameRate == 50 ? stride * 3 / 2 : stride))
        let skipped = try #require(outcomes[1].scoutSkippedFrames)
        #expect(skipped > 0, "nothing was skipped")
        let unneeded = (0..<2 * frameRate).filter { $0 % ranStride != 0 }.count
        #expect(skipped <= unneeded)
    }

    /// A frame a pass is due on that the scout left out fails the try (the plan stage's check:
    /// never a frame without its detections), and the run is tried again decoding every
    /// frame: the output is the one of a run without skipping, and nothing of the failed try
    /// is left.
    @Test func aFrameSkippedThoughNeededFailsTheTryAndTheRunIsTriedAgain() throws {
        let directory = try TestSupport.directory()
        // Flat B-frames: every B-frame is a non-reference frame, frame 2 among them.
        let input = try Self.fastSquareClip(in: directory, frameRate: 25, isFlat: true)
        let reference = try Self.anonymizer(stride: 2, isSkipping: false).anonymize(
            input: input, output: directory.appendingPathComponent("reference.mp4"))
        var mistaken = Self.anonymizer(stride: 2, isSkipping: true)
        mistaken.scoutMistakesFrameForUnneeded = 2
        let output = directory.appendingPathComponent("out.mp4")
        let outcome = try mistaken.anonymize(input: input, output: output)
        #expect(outcome.scoutSkippedFrames == nil, "the second try decodes every frame")
        #expect(
            outcome.notes.contains { $0.contains("frame 2") && $0.contains("it was run again decoding every frame") })
        #expect(try Self.frameDigests(output) == Self.frameDigests(directory.appendingPathComponent("reference.mp4")))
        #expect(outcome.detections == reference.detections)
        #expect(try VideoPipelineTests.expectSquareHidden(in: output) == 50)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "the failed try left \(leftovers)")
    }

    @Test func everyFramePassedToADetectorIsSkippedByNone() throws {
        // Stride 1: every frame is needed, so nothing may be skipped.
        let directory = try TestSupport.directory()
        let input = try Self.fastSquareClip(in: directory, frameRate: 25)
        let output = directory.appendingPathComponent("out.mp4")
        let outcome = try Self.anonymizer(stride: 1, isSkipping: true).anonymize(input: input, output: output)
        #expect(outcome.scoutSkippedFrames == 0)
        #expect(outcome.detections[.face] == 50)
        #expect(try VideoPipelineTests.expectSquareHidden(in: output) == 50)
    }

    @Test func exactDetectionDecodingDoesNotSkip() throws {
        let directory = try TestSupport.directory()
        let input = try Self.fastSquareClip(in: directory, frameRate: 25)
        let output = directory.appendingPathComponent("out.mp4")
        var anonymizer = Self.anonymizer(stride: 2, isSkipping: true)
        var video = anonymizer.video
        video.detectionDecoding = .exact
        anonymizer = VideoAnonymizer(detectors: anonymizer.detectors, settings: anonymizer.settings, video: video)
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.scoutSkippedFrames == nil)
        #expect(outcome.framesWithMasks == 50)
    }

    @Test func heldFramesAreNotSkipped() throws {
        // Within the look-ahead's budget there is no scout and nothing to skip.
        let directory = try TestSupport.directory()
        let input = try Self.fastSquareClip(in: directory, frameRate: 25)
        let output = directory.appendingPathComponent("out.mp4")
        let outcome = try VideoPipelineTests.anonymizer(BrightSquareDetector(), stride: 2).anonymize(
            input: input, output: output)
        #expect(outcome.scoutSkippedFrames == nil)
        #expect(try VideoPipelineTests.expectSquareHidden(in: output) == 50)
    }
}
