import Foundation
import Testing
import VeilMedia
import VeilVideo

/// A reader that skips the frames nobody needs (``VideoReader/skipFrames(unless:)``): every
/// frame is still accounted for, in order, with the index and pts a reader decoding everything
/// gives it, every needed frame is decoded, and every decoded picture is the same.
@Suite struct FrameSkippingTests {
    /// How a test clip is encoded.
    enum Encoding: String, CaseIterable, CustomTestStringConvertible {
        /// x264, 3 B-frames in a pyramid (the middle one a reference): I b B b P …
        case pyramid
        /// x264, 3 B-frames, none a reference.
        case flatBFrames
        /// x264 without B-frames: every frame is a reference, nothing can be skipped.
        case noBFrames
        /// x265, 3 B-frames.
        case hevc
        /// The pyramid clip cut at 0.5 s without re-encoding: an edit list whose lead-in packets
        /// are decoded and dropped.
        case cutWithoutReencoding
        /// The pyramid clip in MPEG-TS.
        case transportStream

        var testDescription: String { rawValue }

        var fileName: String { self == .transportStream ? "\(rawValue).ts" : "\(rawValue).mp4" }

        /// Whether the clip has frames nothing refers to.
        var hasNonReferenceFrames: Bool { self != .noBFrames }

        func make(in scratch: Scratch) throws -> URL {
            let url = scratch.url(fileName)
            // b-adapt 0: always 3 B-frames between references, whatever x264 would choose.
            let x264 = ["-preset", "medium", "-g", "30", "-bf", "3"]
            let (pyramid, flat) = ("b-adapt=0:b-pyramid=normal", "b-adapt=0:b-pyramid=none")
            switch self {
            case .pyramid, .transportStream:
                try Clip.make(url, seconds: 3, audioStreams: 0, extra: x264 + ["-x264-params", pyramid])
            case .flatBFrames:
                try Clip.make(url, seconds: 3, audioStreams: 0, extra: x264 + ["-x264-params", flat])
            case .noBFrames:
                try Clip.make(url, seconds: 3, audioStreams: 0, extra: ["-preset", "medium", "-bf", "0"])
            case .hevc:
                try Clip.make(
                    url, seconds: 3, audioStreams: 0,
                    extra: ["-c:v", "libx265", "-x265-params", "log-level=error:bframes=3:keyint=30"])
            case .cutWithoutReencoding:
                let whole = scratch.url("whole.mp4")
                try Clip.make(whole, seconds: 3, audioStreams: 0, extra: x264 + ["-x264-params", pyramid])
                try runTool("ffmpeg", ["-v", "error", "-y", "-ss", "0.5", "-i", whole.path, "-c", "copy", url.path])
            }
            return url
        }
    }

    /// Every frame of `url` read with detection decoding and no skipping.
    static func everyFrame(of url: URL) throws -> [VideoFrame] {
        let reader = try VideoReader(url: url, fidelity: .forDetection)
        var frames: [VideoFrame] = []
        while let frame = try reader.nextFrame() { frames.append(frame) }
        return frames
    }

    /// Reads `url` skipping every frame `isNeeded` rejects; nil when skipping did not engage.
    static func readSkipping(_ url: URL, unless isNeeded: @escaping (Int) -> Bool) throws -> [DecodedFrame]? {
        let reader = try VideoReader(url: url, fidelity: .forDetection)
        guard reader.skipFrames(unless: isNeeded) else { return nil }
        var read: [DecodedFrame] = []
        while let next = try reader.nextDecodedFrame() { read.append(next) }
        return read
    }

    @Test(arguments: Encoding.allCases, [2, 3])
    func skippedFramesKeepTheirPlaceAndTheOthersAreUnchanged(encoding: Encoding, stride: Int) throws {
        let scratch = try Scratch()
        let input = try encoding.make(in: scratch)
        let expected = try Self.everyFrame(of: input)
        try #require(expected.count > 40)
        // Needing nothing, the reader skips every non-reference frame (after the first frame).
        let nonReference = Set(
            try #require(try Self.readSkipping(input) { _ in false }).filter { $0.frame == nil }.map(\.index))
        #expect(nonReference.isEmpty == !encoding.hasNonReferenceFrames, "\(nonReference.count) skippable")

        let read = try #require(try Self.readSkipping(input) { $0 % stride == 0 })
        #expect(read.count == expected.count)
        for (position, (actual, reference)) in zip(read, expected).enumerated() {
            #expect(actual.index == position && reference.index == position)
            #expect(actual.pts == reference.pts, "frame \(position)")
            switch actual {
            case .picture(let frame):
                #expect(frame.duration == reference.duration, "frame \(position)")
                #expect(frame.picture == reference.picture, "frame \(position): the picture differs")
            case .skipped(_, _, let duration):
                #expect(position % stride != 0, "frame \(position) was needed and skipped")
                #expect(duration == reference.duration, "frame \(position)")
            }
        }
        // Exactly the non-reference frames no one needs go.
        let skipped = Set(read.filter { $0.frame == nil }.map(\.index))
        #expect(skipped == nonReference.filter { $0 % stride != 0 })
    }

    @Test func theFirstFramesAndEveryNeededFrameAreDecoded() throws {
        // Nothing needed: still, only non-reference frames go, and the first frame is decoded.
        let scratch = try Scratch()
        let input = try Encoding.flatBFrames.make(in: scratch)
        let expected = try Self.everyFrame(of: input)
        let reader = try VideoReader(url: input, fidelity: .forDetection)
        #expect(reader.skipFrames { _ in false })
        var read: [DecodedFrame] = []
        while let next = try reader.nextDecodedFrame() { read.append(next) }
        #expect(read.map(\.pts) == expected.map(\.pts))
        #expect(read.first?.frame != nil)
        // 3 B-frames between references: most but never all frames go.
        let skipped = read.filter { $0.frame == nil }.count
        #expect(skipped > expected.count / 2 && skipped < expected.count)
    }

    @Test func interlacedVideoIsNotSkipped() throws {
        let scratch = try Scratch()
        let input = scratch.url("interlaced.mp4")
        try Clip.make(input, seconds: 1, audioStreams: 0, extra: ["-flags", "+ildct+ilme", "-bf", "3"])
        let reader = try VideoReader(url: input, fidelity: .forDetection)
        #expect(!reader.skipFrames { _ in false })
        var frames = 0
        while let next = try reader.nextDecodedFrame() {
            #expect(next.frame != nil)
            frames += 1
        }
        #expect(frames == 25)
    }

    @Test func anUnskippingReaderHandsOutOnlyPictures() throws {
        let scratch = try Scratch()
        let input = try Encoding.pyramid.make(in: scratch)
        let reader = try VideoReader(url: input, fidelity: .forDetection)
        var indices: [Int] = []
        while let next = try reader.nextDecodedFrame() {
            #expect(next.frame != nil)
            indices.append(next.index)
        }
        #expect(indices == Array(0..<75))
    }
}
