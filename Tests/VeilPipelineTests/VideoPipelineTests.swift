import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilTestSupport
import VeilVideo

/// The video pipeline with a detector that misses on purpose: a moving bright square must be
/// masked on every single frame anyway, frames and audio must survive, failures fail closed.
@Suite(.serialized) struct VideoPipelineTests {
    /// A 3 s, 25 fps clip: a white 40×40 square moving right over grey, with a sine tone.
    static func movingSquareClip(in directory: URL) throws -> URL {
        try movingBoxClip(in: directory, name: "square.mp4", box: "40x40", seconds: 3, withTone: true)
    }

    /// A 25 fps, 320×240 lossless clip: a white `box` (e.g. "40x40") moving right at 60 px/s
    /// over grey at y = 100, 4:4:4 with a 440 Hz tone when `withTone`, else 4:2:0 and silent.
    static func movingBoxClip(in directory: URL, name: String, box: String, seconds: Int, withTone: Bool) throws
        -> URL
    {
        let url = directory.appendingPathComponent(name)
        var arguments = [
            "-loglevel", "error", "-y", "-f", "lavfi", "-i",
            "color=c=0x404040:size=320x240:rate=25:duration=\(seconds)",
            "-f", "lavfi", "-i", "color=c=white:size=\(box):rate=25:duration=\(seconds)",
        ]
        if withTone { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:duration=\(seconds)"] }
        arguments += ["-filter_complex", "[0:v][1:v]overlay=x='20+t*60':y=100[v]", "-map", "[v]"]
        if withTone { arguments += ["-map", "2:a"] }
        arguments += [
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", withTone ? "yuv444p" : "yuv420p",
        ]
        if withTone { arguments += ["-c:a", "aac", "-shortest"] }
        try #require(TestSupport.run("ffmpeg", arguments + [url.path]), "ffmpeg could not make the test clip")
        return url
    }

    static func anonymizer(_ detector: BrightSquareDetector, lookAhead: Double = 1, stride: Int = 1)
        -> VideoAnonymizer
    {
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: .fill)
        settings.planner = MaskPlanner(faceShape: .box, faceMargin: .uniform(0.1))
        var video = VideoSettings()
        video.lookAheadSeconds = lookAhead
        video.output = VideoOutputOptions(crf: 0, preset: .ultrafast)
        return VideoAnonymizer(
            detectors: [VideoAnonymizer.ClassDetector(objectClass: .face, detector: detector, stride: stride)],
            settings: settings,
            video: video
        )
    }

    /// Expects the bright square to be hidden on every frame of `output`; returns the frame count.
    @discardableResult
    static func expectSquareHidden(in output: URL) throws -> Int {
        let reader = try VideoReader(url: output)
        var frames = 0
        while let frame = try reader.nextFrame() {
            #expect(
                BrightSquareDetector.brightBox(in: frame.image, level: 120) == nil,
                "square visible on frame \(frame.index)")
            frames += 1
        }
        return frames
    }

    /// MD5 of the audio packets of `url`, copied without decoding.
    static func audioHash(_ url: URL) throws -> String {
        let hashFile = url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).md5")
        try #require(
            TestSupport.run(
                "ffmpeg",
                ["-loglevel", "error", "-y", "-i", url.path, "-map", "0:a", "-c", "copy", "-f", "md5", hashFile.path]
            )
        )
        return try String(contentsOf: hashFile, encoding: .utf8)
    }

    @Test(arguments: [2, 3])
    func squareIsMaskedOnEveryFrameWithDetectionStride(stride: Int) throws {
        // Only every n-th frame is examined, and the detector still misses some of those: the
        // frames between must be covered by the tracker's predictions and interpolation.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let detector = BrightSquareDetector(missing: [3, 7])
        let outcome = try Self.anonymizer(detector, stride: stride).anonymize(input: input, output: output)
        #expect(outcome.framesWithMasks == 75)
        try Self.expectSquareHidden(in: output)
    }

    @Test func detectorsSeeAShrunkCopyAndMasksLandAtFullResolution() throws {
        // A detector that looks at 160 px gets frames shrunk to 160×120 straight from the
        // decoded picture; its boxes are scaled back, so the 320×240 output is still masked.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let detector = BrightSquareDetector(workingSide: 160)
        let outcome = try Self.anonymizer(detector).anonymize(input: input, output: output)
        #expect(detector.seenSizes == [PixelSize(width: 160, height: 120)])
        #expect(outcome.framesWithMasks == 75)
        try Self.expectSquareHidden(in: output)
    }

    @Test func coarsePassesBetweenFullOnesStillMaskEveryFrame() throws {
        // Full passes on every 4th frame; between them, on even frames, a coarse pass at 160 px
        // that never finds the square (it is below what that pass sees). The tracker carries
        // the square across, so every frame is still masked.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let full = BrightSquareDetector()
        let coarse = BrightSquareDetector(missing: Set(0..<75), workingSide: 160)
        var anonymizer = Self.anonymizer(full)
        anonymizer = VideoAnonymizer(
            detectors: [
                VideoAnonymizer.ClassDetector(
                    objectClass: .face, detector: full, stride: 4,
                    coarse: VideoAnonymizer.CoarsePass(detector: coarse, stride: 2, reliableSide: 32))
            ],
            settings: anonymizer.settings,
            video: anonymizer.video
        )
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(full.seenSizes == [PixelSize(width: 320, height: 240)])
        #expect(coarse.seenSizes == [PixelSize(width: 160, height: 120)])
        #expect(outcome.framesWithMasks == 75)
        try Self.expectSquareHidden(in: output)
    }

    @Test func stridesFollowTheFrameRateUnlessTold() throws {
        // Strides are meant for 30 fps: on this 25 fps clip a stride of 4 becomes 3 frames
        // (same time apart); taken as a frame count it stays 4.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let scaled = try Self.anonymizer(BrightSquareDetector(), stride: 4).anonymize(
            input: input, output: directory.appendingPathComponent("scaled.mp4"))
        #expect(scaled.detectionStrides == ["face": 3])
        let plain = Self.anonymizer(BrightSquareDetector(), stride: 4)
        var video = plain.video
        video.stridesFollowFrameRate = false
        let counted = try VideoAnonymizer(detectors: plain.detectors, settings: plain.settings, video: video).anonymize(
            input: input, output: directory.appendingPathComponent("counted.mp4"))
        #expect(counted.detectionStrides == ["face": 4])
        #expect(scaled.framesWithMasks == 75 && counted.framesWithMasks == 75)
    }

    @Test func staggeredPassesStillMaskTheFramesBeforeTheirFirst() throws {
        // A staggered stride-4 detector first runs on frame 2; frames 0 and 1 were never looked
        // at, so the square found on frame 2 is held back over them.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let base = Self.anonymizer(BrightSquareDetector())
        var video = base.video
        video.stridesFollowFrameRate = false
        let anonymizer = VideoAnonymizer(
            detectors: [
                VideoAnonymizer.ClassDetector(
                    objectClass: .face, detector: BrightSquareDetector(), stride: 4, isStaggered: true)
            ],
            settings: base.settings, video: video)
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.framesWithMasks == 75)
        try Self.expectSquareHidden(in: output)
    }

    @Test func scaledSchedulesKeepTheFullStrideAMultipleOfTheCoarseOne() {
        let entry = VideoAnonymizer.ClassDetector(
            objectClass: .face, detector: BrightSquareDetector(), stride: 4,
            coarse: VideoAnonymizer.CoarsePass(detector: BrightSquareDetector(), stride: 2))
        for (factor, coarse, full) in [(2.0, 4, 8), (0.5, 1, 2), (25.0 / 30, 2, 4), (0.1, 1, 1)] {
            let scaled = entry.scaled(by: factor)
            #expect(scaled.coarse?.stride == coarse, "factor \(factor)")
            #expect(scaled.stride == full, "factor \(factor)")
        }
    }

    @Test func squareIsMaskedOnEveryFrameDespiteMisses() throws {
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        // Misses 30 % of frames at random (seeded), including the first five (backward fill).
        var generator = SplitMix64(seed: 42)
        var missing: Set<Int> = [0, 1, 2, 3, 4]
        for frame in 5..<75 where Double.random(in: 0..<1, using: &generator) < 0.3 { missing.insert(frame) }
        let outcome = try Self.anonymizer(BrightSquareDetector(missing: missing)).anonymize(
            input: input, output: output)
        #expect(outcome.frames == 75)
        #expect(outcome.framesWithMasks == 75, "\(outcome)")
        let source = try VideoReader(url: input)
        let first = try #require(try source.nextFrame())
        #expect(BrightSquareDetector.brightBox(in: first.image) != nil, "the clip has no bright square")

        #expect(try Self.expectSquareHidden(in: output) == 75)
    }

    /// A look-ahead over its memory budget is decoded twice instead of held: the output is the
    /// same, frame for frame, and the audio still comes through whole.
    @Test func aLookAheadOverItsMemoryBudgetDecodesAgainWithTheSameOutput() throws {
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        var digests: [[String]] = []
        for budget in [Int.max, 0] {
            var missing: Set<Int> = [0, 1, 2]
            missing.formUnion(stride(from: 10, to: 75, by: 7))
            var anonymizer = Self.anonymizer(BrightSquareDetector(missing: missing))
            var video = anonymizer.video
            video.lookAheadMemoryBytes = budget
            anonymizer = VideoAnonymizer(detectors: anonymizer.detectors, settings: anonymizer.settings, video: video)
            let output = directory.appendingPathComponent("out-\(budget).mp4")
            let outcome = try anonymizer.anonymize(input: input, output: output)
            #expect(outcome.framesWithMasks == 75)
            #expect(try Self.expectSquareHidden(in: output) == 75)
            let reader = try VideoReader(url: output)
            var frames: [String] = []
            while let frame = try reader.nextFrame() { frames.append(SHA256.hex(of: Data(frame.picture.planes))) }
            digests.append(frames)
            #expect(try Self.audioHash(output) == Self.audioHash(input))
        }
        #expect(digests[0] == digests[1])
    }

    @Test func verificationFindsAndRemasksWhatAWeakMaskLeft() throws {
        // A light blur leaves the square bright enough to be found again: --verify must report
        // it on every frame and cover it with a fill.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        var maskSettings = MaskSettings()
        maskSettings.blurSigmaFraction = 0.02
        settings.masker = Masker(style: .blur, settings: maskSettings)
        settings.planner = MaskPlanner(faceShape: .box, faceMargin: .uniform(0.1))
        var video = VideoSettings()
        video.verifies = true
        video.output = VideoOutputOptions(crf: 0, preset: .ultrafast)
        let anonymizer = VideoAnonymizer(
            detectors: [VideoAnonymizer.ClassDetector(objectClass: .face, detector: BrightSquareDetector(), stride: 1)],
            settings: settings,
            video: video
        )
        let outcome = try anonymizer.anonymize(input: input, output: output)
        #expect(outcome.verifyFindings.count == 75)
        #expect(outcome.remaskedFindings == 75)
        try Self.expectSquareHidden(in: output)
    }

    @Test func withoutLookAheadTheMissedFirstFramesLeak() throws {
        // The control for the test above: with no look-ahead, the frames the detector missed
        // before first finding the square cannot be filled backwards, and the square shows.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let detector = BrightSquareDetector(missing: [0, 1, 2, 3, 4])
        _ = try Self.anonymizer(detector, lookAhead: 0).anonymize(input: input, output: output)
        let reader = try VideoReader(url: output)
        let first = try #require(try reader.nextFrame())
        #expect(BrightSquareDetector.brightBox(in: first.image, level: 120) != nil)
    }

    @Test func audioIsCopiedBitIdentical() throws {
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        _ = try Self.anonymizer(BrightSquareDetector()).anonymize(input: input, output: output)
        #expect(try Self.audioHash(input) == Self.audioHash(output))
    }

    @Test func detectionFailureFailsClosed() throws {
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        #expect {
            try Self.anonymizer(BrightSquareDetector(failsAt: 30)).anonymize(input: input, output: output)
        } throws: { error in
            guard case .frame(let index, let reason) = error as? PipelineError else { return false }
            return index == 30 && reason.contains("injected failure")
        }
        // Nothing under the output name, no temporary file, the input untouched.
        #expect(TestSupport.files(under: directory) == ["square.mp4"])
    }

    /// Cancelled from the encoding stage (the progress callback), as Ctrl-C is noticed there:
    /// repeated, because the hang this guards against (a stage left waiting on a queue) depends
    /// on timing.
    @Test(.timeLimit(.minutes(1)), arguments: 0..<6)
    func cancellationLeavesNothingBehind(repetition: Int) throws {
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let flag = CancellationFlag()
        #expect(throws: PipelineError.self) {
            try Self.anonymizer(BrightSquareDetector()).anonymize(input: input, output: output, cancellation: flag) {
                if $0.framesDone > 5 { flag.cancel() }
            }
        }
        #expect(TestSupport.files(under: directory) == ["square.mp4"])
    }

    @Test(.timeLimit(.minutes(1)), arguments: [1, 3, 10, 40])
    func cancellingWhileOtherStagesWaitNeverHangs(atCall: Int) throws {
        // Ctrl-C noticed by the detection stage while decoding waits on a full queue and
        // encoding waits on an empty one: every stage must still exit.
        let directory = try TestSupport.directory()
        let input = try Self.movingSquareClip(in: directory)
        let output = directory.appendingPathComponent("out.mp4")
        let flag = CancellationFlag()
        let detector = BrightSquareDetector { call in
            if call == atCall {
                flag.cancel()
                Thread.sleep(forTimeInterval: 0.2)  // let the decoder fill its queue
            }
        }
        #expect(throws: PipelineError.self) {
            try Self.anonymizer(detector).anonymize(input: input, output: output, cancellation: flag)
        }
        #expect(TestSupport.files(under: directory) == ["square.mp4"])
    }

    @Test func corruptVideoIsAClearError() throws {
        let directory = try TestSupport.directory()
        let input = directory.appendingPathComponent("broken.mp4")
        try Data(repeating: 0x42, count: 10_000).write(to: input)
        #expect(throws: PipelineError.self) {
            try Self.anonymizer(BrightSquareDetector()).anonymize(
                input: input,
                output: directory.appendingPathComponent("out.mp4")
            )
        }
        #expect(TestSupport.files(under: directory) == ["broken.mp4"])
    }
}
