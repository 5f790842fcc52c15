import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilVideo

/// Round trips through ``VideoTranscoder`` on clips made by the ffmpeg CLI, checked with
/// ffprobe rather than with Veil's own reader.
@Suite struct VideoTranscoderTests {
    /// Re-encodes `input` unchanged (decode → BGR → encode) into `output`.
    @discardableResult
    static func roundTrip(_ input: URL, _ output: URL, options: VideoOutputOptions = VideoOutputOptions()) throws
        -> VideoTranscoder
    {
        let transcoder = try VideoTranscoder(input: input, output: output, options: options)
        try transcoder.run { _ in }
        return transcoder
    }

    @Test func roundTripKeepsFramesTimestampsDurationAndAudio() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 2)
        let output = scratch.url("out.mp4")
        try Self.roundTrip(input, output)

        let inputPTS = try Probe.framePTS(input)
        #expect(inputPTS.count == 2 * Clip.frameRate)
        #expect(try Probe.framePTS(output) == inputPTS)
        #expect(try Probe.payloadMD5(output, stream: "a:0") == Probe.payloadMD5(input, stream: "a:0"))
        #expect(try Probe.packets(output, stream: "a:0") == Probe.packets(input, stream: "a:0"))
        let frameSeconds = 1 / Double(Clip.frameRate)
        #expect(abs(try Probe.duration(output) - Probe.duration(input)) < frameSeconds)
        #expect(try Probe.streamTypes(output) == ["video", "audio"])
        #expect(scratch.fileNames == ["in.mp4", "out.mp4"])
    }

    @Test func roundTripKeepsThePicture() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 0.4)
        let output = scratch.url("out.mp4")
        try Self.roundTrip(input, output, options: VideoOutputOptions(crf: 18))

        let original = try VideoReader(url: input)
        let copy = try VideoReader(url: output)
        while let expected = try original.nextFrame() {
            let actual = try #require(try copy.nextFrame())
            #expect(actual.pts == expected.pts)
            #expect(actual.image.size == expected.image.size)
            // Lossy but close: mean absolute difference per channel, 0…255.
            let difference = zip(actual.image.pixels, expected.image.pixels).reduce(0) {
                $0 + abs(Int($1.0) - Int($1.1))
            }
            #expect(Double(difference) / Double(expected.image.pixels.count) < 4)
        }
        #expect(try copy.nextFrame() == nil)
    }

    @Test func variableFrameRateKeepsEveryTimestamp() throws {
        let scratch = try Scratch()
        let input = scratch.url("vfr.mp4")
        // Frame n shown at 40 ms × n plus 0, 15 or 30 ms: irregular gaps of 25, 40 or 70 ms.
        // A millisecond time base all the way through, so the encoder does not snap to 1/25 s.
        try Clip.make(
            input, seconds: 1.2, videoFilter: "settb=1/1000,setpts=(N*0.04+0.015*mod(N\\,3))/TB",
            extra: ["-fps_mode", "passthrough", "-enc_time_base", "1:1000", "-video_track_timescale", "1000"])
        let inputPTS = try Probe.framePTS(input)
        let gaps = Set(zip(inputPTS.dropFirst(), inputPTS).map { $0 - $1 })
        #expect(gaps.count > 1, "the fixture should be variable frame rate, gaps: \(gaps)")

        let output = scratch.url("out.mp4")
        try Self.roundTrip(input, output)
        #expect(try Probe.framePTS(output) == inputPTS)
    }

    @Test func displayRotationSurvivesWithoutRotatingPixels() throws {
        let scratch = try Scratch()
        let plain = scratch.url("plain.mp4")
        try Clip.make(plain)
        let rotated = scratch.url("rotated.mp4")
        try runTool(
            "ffmpeg", ["-v", "error", "-i", plain.path, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated.path])
        let inputRotation = try #require(try Probe.rotation(rotated))
        #expect(inputRotation != 0)

        let output = scratch.url("out.mp4")
        let transcoder = try Self.roundTrip(rotated, output)
        #expect(try Probe.rotation(output) == inputRotation)
        // ffprobe reports counter-clockwise degrees; VideoInfo reports the clockwise turn.
        let clockwise = (360 - inputRotation).truncatingRemainder(dividingBy: 360)
        #expect(transcoder.info.rotationDegrees == clockwise)
        #expect(transcoder.info.size == PixelSize(width: 320, height: 240))
        #expect(transcoder.info.displaySize == PixelSize(width: 240, height: 320))
        #expect(try VideoReader(url: output).info.size == PixelSize(width: 320, height: 240))
    }

    @Test func twoAudioStreamsAreBothCopiedBitForBit() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, audioStreams: 2)
        let output = scratch.url("out.mp4")
        let transcoder = try Self.roundTrip(input, output)
        #expect(transcoder.info.audioStreamCount == 2)
        #expect(try Probe.streamTypes(output) == ["video", "audio", "audio"])
        for stream in ["a:0", "a:1"] {
            #expect(try Probe.payloadMD5(output, stream: stream) == Probe.payloadMD5(input, stream: stream))
            #expect(try Probe.packets(output, stream: stream) == Probe.packets(input, stream: stream))
        }
        #expect(try Probe.payloadMD5(output, stream: "a:0") != Probe.payloadMD5(output, stream: "a:1"))
    }

    @Test func readingAndWritingOnDifferentTasks() async throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 1)
        let output = scratch.url("out.mp4")
        let transcoder = try VideoTranscoder(input: input, output: output)
        let (frames, continuation) = AsyncStream.makeStream(of: VideoFrame.self)
        let reader = Task.detached {
            defer { continuation.finish() }
            while let frame = try transcoder.nextFrame() { continuation.yield(frame) }
        }
        for await frame in frames { try transcoder.write(frame) }
        try await reader.value
        try transcoder.finish()
        #expect(try Probe.framePTS(output) == Probe.framePTS(input))
        #expect(try Probe.payloadMD5(output, stream: "a:0") == Probe.payloadMD5(input, stream: "a:0"))
    }

    @Test func videoWithoutAudioWorks() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mkv")
        try Clip.make(input, audioStreams: 0)
        let output = scratch.url("out.mkv")
        let transcoder = try Self.roundTrip(input, output)
        #expect(transcoder.info.audioStreamCount == 0)
        #expect(try Probe.streamTypes(output) == ["video"])
        #expect(try Probe.framePTS(output) == Probe.framePTS(input))
    }

    @Test func infoDescribesTheInput() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 2)
        let info = try VideoReader(url: input).info
        #expect(info.size == PixelSize(width: 320, height: 240))
        #expect(info.averageFrameRate == Rational(Clip.frameRate, 1))
        #expect(info.frameCountEstimate == 2 * Clip.frameRate)
        #expect(abs((info.durationSeconds ?? 0) - 2) < 0.1)
        #expect(info.rotationDegrees == 0)
        #expect(info.audioStreamCount == 1)
        #expect(info.codecName == "h264")
    }

    @Test func outputEqualToInputIsRefused() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        let before = try Data(contentsOf: input)
        let sameFile = scratch.directory.appendingPathComponent("./sub/../in.mp4")
        #expect(throws: VideoError.outputIsInput(path: sameFile.path)) {
            try VideoTranscoder(input: input, output: sameFile)
        }
        let link = scratch.url("link.mp4")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        #expect(throws: VideoError.outputIsInput(path: link.path)) {
            try VideoTranscoder(input: input, output: link)
        }
        #expect(try Data(contentsOf: input) == before)
    }

    @Test func unknownContainerIsRefused() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        #expect(throws: VideoError.unsupportedContainer(extension: "gif")) {
            try VideoTranscoder(input: input, output: scratch.url("out.gif"))
        }
    }

    @Test func cancellingLeavesNoFile() throws {
        struct Stop: Error {}
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        let transcoder = try VideoTranscoder(input: input, output: scratch.url("out.mp4"))
        #expect(scratch.fileNames.count == 2, "the temporary output exists while writing")
        #expect(throws: Stop.self) {
            try transcoder.run { frame in if frame.index == 5 { throw Stop() } }
        }
        #expect(scratch.fileNames == ["in.mp4"])
        #expect(throws: VideoError.closed(path: scratch.url("out.mp4").path)) { try transcoder.nextFrame() }
    }

    @Test func finishingEarlyIsRefusedAndLeavesNoFile() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        let transcoder = try VideoTranscoder(input: input, output: scratch.url("out.mp4"))
        let frame = try #require(try transcoder.nextFrame())
        try transcoder.write(frame)
        #expect(throws: VideoError.unfinishedTranscode(decoded: 1, written: 1, isInputAtEnd: false)) {
            try transcoder.finish()
        }
        #expect(scratch.fileNames == ["in.mp4"])
    }

    @Test func droppingTheTranscoderRemovesItsTemporaryFile() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        do {
            let transcoder = try VideoTranscoder(input: input, output: scratch.url("out.mp4"))
            _ = try transcoder.nextFrame()
        }
        #expect(scratch.fileNames == ["in.mp4"])
    }

    @Test func resizedFramesAreRefused() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input)
        let transcoder = try VideoTranscoder(input: input, output: scratch.url("out.mp4"))
        var frame = try #require(try transcoder.nextFrame())
        frame.image = Image(size: PixelSize(width: 2, height: 2), blue: 0, green: 0, red: 0)
        #expect(throws: VideoError.frameSizeMismatch(index: 0, expected: "320×240", actual: "2×2")) {
            try transcoder.write(frame)
        }
        #expect(scratch.fileNames == ["in.mp4"])
    }

    @Test(arguments: VideoOutputOptions.Codec.allCases)
    func encodesWithEachAvailableCodec(_ codec: VideoOutputOptions.Codec) throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 0.5)
        let output = scratch.url("out.mp4")
        let options = VideoOutputOptions(codec: codec, preset: .ultrafast)
        do {
            try Self.roundTrip(input, output, options: options)
        } catch VideoError.encoderUnavailable {
            return  // this FFmpeg lacks the encoder: nothing to test
        }
        let expected = codec == .h264 ? ("h264", "avc1") : ("hevc", "hvc1")
        let actual = try Probe.codec(output, stream: "v:0")
        #expect(actual.name == expected.0)
        #expect(actual.tag == expected.1)
        #expect(try Probe.framePTS(output) == Probe.framePTS(input))
    }
}
