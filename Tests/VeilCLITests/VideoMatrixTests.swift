import Foundation
import Testing

/// The media robustness matrix, video half (issue 11, requirement 5): odd sizes, codecs, pixel
/// formats, containers, streams and damaged files, each made by ffmpeg at test time and run
/// through the real `veil anonymize` binary. Every case ends in one of two promises: a correct
/// output (every frame at its timestamp, the displayed size and rotation, each audio track bit
/// for bit, subtitles kept, metadata gone) or one clear error line with nothing left behind.
/// The input is never modified (``AnonymizeRun`` checks that and the leftovers for each case).
@Suite(.timeLimit(.minutes(10))) struct VideoMatrixTests {
    enum Promise: Sendable {
        /// Written with this displayed size and display rotation (degrees).
        case output(Size, rotation: Int = 0)
        /// Written at the size the input's stream declares (ffprobe's), every frame kept.
        case outputAtDeclaredSize
        /// Refused with one error line containing this text.
        case refused(String)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var outputExtension = "mp4"
        var promise: Promise
        var options: [String] = []
        /// A promise Veil does not keep yet, and why; the case then records a known issue (and
        /// fails once the bug is fixed, as a reminder to remove this).
        var knownIssue: String?
        /// Writes the input file at the given URL.
        var make: @Sendable (URL) throws -> Void
        var testDescription: String { name }
    }

    /// Planted in every input's container tags; must not survive into an output.
    static let secret = "veil-matrix-secret"
    static let plantedMetadata = [
        "-metadata", "location=+48.8584+002.2945/", "-metadata", "comment=\(secret)", "-metadata",
        "make=\(secret)-camera",
    ]
    static let x264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    static let aac = ["-c:a", "aac", "-b:a", "64k"]

    /// testsrc2 (a moving, colourful picture) at a size and rate, `frames` frames, with a sine
    /// tone as long as the video unless `audio` is false, and the planted metadata.
    static func clip(
        _ size: String, rate: Int = 10, frames: Int = 3, audio: Bool = true, codec: [String] = x264,
        audioCodec: [String] = aac, extra: [String] = []
    ) -> @Sendable (URL) throws -> Void {
        { url in
            // lavfi sources refuse sizes below a few pixels: tiny clips are scaled down to size.
            let sides = size.split(separator: "x").compactMap { Int($0) }
            let isTiny = sides.contains { $0 < 16 }
            var arguments = ["-f", "lavfi", "-i", "testsrc2=size=\(isTiny ? "32x32" : size):rate=\(rate)"]
            if audio {
                let seconds = Double(frames) / Double(rate)
                arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)"]
                arguments += audioCodec
            }
            if isTiny { arguments += ["-vf", "scale=\(sides[0]):\(sides[1])"] }
            arguments += ["-frames:v", "\(frames)"] + codec + plantedMetadata + extra + [url.path]
            try MediaTools.ffmpeg(arguments)
        }
    }

    // MARK: - Sizes

    /// Phone and web sizes (the issue's crashes among them), widths in every `W mod 16` class,
    /// portrait and landscape, 144p to 4K.
    static let sizes: [Case] = [
        ("640x360", 3), ("360x640", 3), ("540x960", 3), ("426x240", 3), ("1080x608", 3), ("1000x600", 3),
        ("1272x720", 3), ("1280x720", 3), ("720x1280", 3), ("256x144", 3), ("200x120", 3), ("30x20", 3),
        ("24x16", 3), ("2x2", 3), ("1920x1080", 2), ("1928x1080", 2), ("1080x1920", 2), ("3840x2160", 2),
    ].map { size, frames in
        let parts = size.split(separator: "x").compactMap { Int($0) }
        return Case(
            name: "\(size).mp4", promise: .output(Size(parts[0], parts[1])), make: clip(size, frames: frames))
    }

    /// 4:2:0 H.264 needs even sizes: odd ones (lossless FFV1 or 4:4:4 H.264 inputs) lose their
    /// last column or row; a picture with nothing left is refused as too small.
    static let oddSizes: [Case] = [
        Case(
            name: "321x241-ffv1.mkv", promise: .output(Size(320, 240)),
            make: clip("321x241", codec: ["-c:v", "ffv1"])),
        Case(
            name: "427x240-444.mp4", promise: .output(Size(426, 240)),
            make: clip("427x240", codec: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"])),
        Case(
            name: "3x5-ffv1.mkv", promise: .output(Size(2, 4)), make: clip("3x5", codec: ["-c:v", "ffv1"])),
        Case(
            name: "1x1-ffv1.mkv", promise: .refused("too small"),
            make: clip("1x1", codec: ["-c:v", "ffv1"])),
    ]

    /// The issue's 1928×1080 crash happened with the full-resolution tile search on.
    static let tiled = Case(
        name: "1928x1080-tiles.mp4", promise: .output(Size(1928, 1080)), options: ["--video-min-face", "24"],
        make: clip("1928x1080", frames: 2))

    @Test(.serialized, arguments: sizes + oddSizes + [tiled])
    func sizesAreWrittenWhole(_ testCase: Case) throws { try check(testCase) }

    // MARK: - Rotation, timing, frame rates

    /// A 640×360 clip with a display rotation (set on a stream copy: FFmpeg 5.1 drops the
    /// `rotate` tag when it encodes).
    static func rotated(_ degrees: Int) -> @Sendable (URL) throws -> Void {
        { url in
            let plain = url.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("plain.\(url.pathExtension)")
            try clip("640x360")(plain)
            try MediaTools.ffmpeg(["-i", plain.path, "-c", "copy", "-metadata:s:v:0", "rotate=\(degrees)", url.path])
            try #require(try MediaTools.streams(url).rotation != 0, "ffmpeg wrote no rotation")
        }
    }

    static let timing: [Case] = [
        Case(
            name: "rotate90.mp4", promise: .output(Size(360, 640), rotation: 90),
            make: rotated(90)),
        Case(
            name: "rotate180.mp4", promise: .output(Size(640, 360), rotation: 180),
            make: rotated(180)),
        Case(
            name: "rotate270.mov", outputExtension: "mov", promise: .output(Size(360, 640), rotation: 90),
            make: rotated(270)),
        Case(
            name: "vfr.mkv", promise: .output(Size(320, 240)),
            make: clip(
                "320x240", rate: 25, frames: 8,
                extra: ["-vf", "settb=1/1000,setpts='N*40+gte(N\\,3)*30+gte(N\\,5)*70'", "-fps_mode", "passthrough"]
            )),
        Case(name: "one-frame.mp4", promise: .output(Size(320, 240)), make: clip("320x240", frames: 1)),
        Case(name: "120fps.mp4", promise: .output(Size(320, 240)), make: clip("320x240", rate: 120, frames: 8)),
        Case(name: "240fps.mp4", promise: .output(Size(320, 240)), make: clip("320x240", rate: 240, frames: 8)),
        Case(
            name: "b-frames.mp4", promise: .output(Size(320, 240)),
            make: clip(
                "320x240", rate: 25, frames: 24,
                codec: x264 + ["-bf", "16", "-x264-params", "b-adapt=0:b-pyramid=normal:keyint=30"])),
        Case(
            name: "interlaced.mp4", promise: .output(Size(720, 576)),
            make: clip(
                "720x576", rate: 25, frames: 4,
                codec: x264 + ["-flags", "+ildct+ilme", "-x264-params", "tff=1", "-field_order", "tt"])),
    ]

    @Test(.serialized, arguments: timing)
    func rotationTimingAndFrameRatesAreKept(_ testCase: Case) throws { try check(testCase) }

    // MARK: - Codecs and pixel formats

    static let codecs: [Case] = {
        var cases = [
            Case(
                name: "hevc-10bit.mp4", promise: .output(Size(320, 240)),
                make: clip(
                    "320x240",
                    codec: [
                        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=none", "-pix_fmt",
                        "yuv420p10le", "-tag:v", "hvc1",
                    ])),
            Case(
                name: "h264-422.mp4", promise: .output(Size(320, 240)),
                make: clip("320x240", codec: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p"])),
            Case(
                name: "h264-444.mp4", promise: .output(Size(320, 240)),
                make: clip("320x240", codec: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"])),
            Case(
                name: "gray-ffv1.mkv", promise: .output(Size(320, 240)),
                make: clip("320x240", codec: ["-c:v", "ffv1", "-pix_fmt", "gray"])),
            Case(
                name: "rgb-x264.mkv", promise: .output(Size(320, 240)),
                make: clip("320x240", codec: ["-c:v", "libx264rgb", "-preset", "ultrafast", "-pix_fmt", "bgr24"])),
            Case(
                name: "prores.mov", outputExtension: "mov", promise: .output(Size(320, 240)),
                make: clip(
                    "320x240", codec: ["-c:v", "prores_ks", "-profile:v", "2", "-pix_fmt", "yuv422p10le"],
                    audioCodec: ["-c:a", "pcm_s16le"])),
            Case(
                name: "mjpeg.avi", outputExtension: "mkv", promise: .output(Size(320, 240)),
                make: clip(
                    "320x240", codec: ["-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-q:v", "5"],
                    audioCodec: ["-c:a", "pcm_s16le"])),
            Case(
                name: "vp9-opus.webm", promise: .output(Size(320, 240)),
                make: clip(
                    "320x240", codec: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
                    audioCodec: ["-c:a", "libopus"])),
        ]
        for encoder in ["libsvtav1", "libaom-av1"] where MediaTools.hasEncoder(encoder) {
            let speed = encoder == "libsvtav1" ? ["-preset", "12"] : ["-cpu-used", "8", "-usage", "realtime"]
            cases.append(
                Case(
                    name: "av1.mp4", promise: .output(Size(320, 240)),
                    make: clip("320x240", codec: ["-c:v", encoder] + speed)))
            break
        }
        return cases
    }()

    @Test(.serialized, arguments: codecs)
    func codecsAndPixelFormatsDecode(_ testCase: Case) throws { try check(testCase) }

    // MARK: - Streams

    /// Subtitles are copied by default on this branch; where `anonymize` has `--keep-subtitles`
    /// (subtitles dropped unless asked for), the case asks for them.
    static let keepSubtitles: [String] = {
        let help = (try? CLITests.veil(["anonymize", "--help"]).stdout) ?? ""
        return help.contains("--keep-subtitles") ? ["--keep-subtitles"] : []
    }()

    static let streams: [Case] = [
        Case(
            name: "two-audio.mp4", promise: .output(Size(320, 240)),
            make: { url in
                try MediaTools.ffmpeg(
                    [
                        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-f", "lavfi", "-i",
                        "sine=frequency=440:duration=0.5", "-f", "lavfi", "-i", "sine=frequency=880:duration=0.5",
                        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-frames:v", "5",
                    ] + x264 + aac + plantedMetadata + [url.path])
            }),
        Case(
            name: "subtitles.mp4", promise: .output(Size(320, 240)), options: keepSubtitles,
            make: { url in
                let srt = url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("s.srt")
                try Data("1\n00:00:00,000 --> 00:00:00,400\nhello\n".utf8).write(to: srt)
                try MediaTools.ffmpeg(
                    [
                        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-f", "lavfi", "-i",
                        "sine=duration=0.5", "-i", srt.path, "-map", "0:v", "-map", "1:a", "-map", "2:s",
                        "-frames:v", "5",
                    ] + x264 + aac + ["-c:s", "mov_text"] + plantedMetadata + [url.path])
            }),
        Case(
            name: "attachment.mkv", outputExtension: "mkv", promise: .output(Size(320, 240)),
            make: { url in
                let note = url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                    "note.txt")
                try Data("attached \(secret)\n".utf8).write(to: note)
                try clip("320x240", extra: ["-attach", note.path, "-metadata:s:t", "mimetype=text/plain"])(url)
            }),
        Case(
            name: "cover-art.mp4", promise: .output(Size(320, 240)),
            make: { url in
                let cover = url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("c.png")
                try MediaTools.ffmpeg(["-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1", cover.path])
                try MediaTools.ffmpeg(
                    [
                        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-f", "lavfi", "-i",
                        "sine=duration=0.3", "-i", cover.path, "-map", "0:v", "-map", "1:a", "-map", "2:v",
                        "-frames:v", "3", "-c:v:0", "libx264", "-preset", "ultrafast", "-pix_fmt:v:0", "yuv420p",
                        "-c:v:1", "png", "-disposition:v:1", "attached_pic",
                    ] + aac + plantedMetadata + [url.path])
            }),
        // Music with its album cover: the cover is a picture, not a video stream (FFmpeg's
        // best-stream choice falls back to it when nothing else is video).
        Case(
            name: "cover-art-only.m4a", promise: .refused("has no video stream"),
            make: { url in
                let cover = url.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("c.png")
                try MediaTools.ffmpeg(["-f", "lavfi", "-i", "color=c=red:size=64x64", "-frames:v", "1", cover.path])
                try MediaTools.ffmpeg(
                    [
                        "-f", "lavfi", "-i", "sine=duration=0.5", "-i", cover.path, "-map", "0:a", "-map", "1:v",
                        "-c:v", "png", "-disposition:v:0", "attached_pic",
                    ] + aac + [url.path])
            }),
        Case(
            name: "audio-only.mp4", promise: .refused("has no video stream"),
            make: { url in try MediaTools.ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5"] + aac + [url.path]) }),
    ]

    @Test(.serialized, arguments: streams)
    func audioSubtitlesAttachmentsAndCoverArt(_ testCase: Case) throws { try check(testCase) }

    // MARK: - Damaged and mislabelled files

    /// A moov-first (`faststart`) or moov-last MP4 of 20 frames.
    static func mp4(_ url: URL, moovFirst: Bool, audio: Bool = true) throws {
        try clip(
            "320x240", rate: 10, frames: 20, audio: audio, extra: moovFirst ? ["-movflags", "+faststart"] : [])(url)
    }

    static func keepPrefix(_ url: URL, bytes: Int) throws {
        let data = try Data(contentsOf: url)
        try data.prefix(bytes).write(to: url)
    }

    /// The offset where the `mdat` box starts (its size field).
    static func mdatOffset(_ url: URL) throws -> Int {
        let data = try Data(contentsOf: url)
        let range = try #require(data.range(of: Data("mdat".utf8)))
        return range.lowerBound - 4
    }

    static let damaged: [Case] = [
        Case(
            name: "zero-length.mp4", promise: .refused("empty"),
            make: { url in try Data().write(to: url) }),
        Case(
            name: "header-only.mp4", promise: .refused(""),
            make: { url in
                try mp4(url, moovFirst: true)
                // The header and the media box's own 8-byte header; not one byte of media.
                try keepPrefix(url, bytes: try mdatOffset(url) + 8)
            }),
        Case(
            name: "truncated-moov-first.mp4", promise: .refused(""),
            make: { url in
                try mp4(url, moovFirst: true)
                try keepPrefix(url, bytes: try Data(contentsOf: url).count * 6 / 10)
            }),
        Case(
            name: "truncated-moov-last.mp4", promise: .refused(""),
            make: { url in
                try mp4(url, moovFirst: false)
                try keepPrefix(url, bytes: try Data(contentsOf: url).count * 6 / 10)
            }),
        Case(
            name: "overwritten-mid-stream.mp4", promise: .refused("damaged"),
            make: { url in
                try mp4(url, moovFirst: true, audio: false)
                try overwrite(url, at: 0.5, count: 4096)
            }),
        Case(
            name: "photo.mp4", promise: .output(Size(320, 240)),
            make: { url in
                let photo = url.deletingPathExtension().appendingPathExtension("jpg")
                try MediaTools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", photo.path])
                try FileManager.default.moveItem(at: photo, to: url)
            }),
        Case(
            // 5 frames at 640×360, then 5 at 320×180. The output has the stream's declared size
            // (here the later one: FFmpeg's probe reads both SPS) and the other part is scaled.
            name: "resolution-change.ts", promise: .outputAtDeclaredSize,
            make: { url in
                let folder = url.deletingLastPathComponent().deletingLastPathComponent()
                var stream = Data()
                for (index, size) in ["640x360", "320x180"].enumerated() {
                    let part = folder.appendingPathComponent("part\(index).h264")
                    try MediaTools.ffmpeg(
                        ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=10", "-frames:v", "5"] + x264 + [
                            "-f", "h264", part.path,
                        ])
                    stream.append(try Data(contentsOf: part))
                }
                let joined = folder.appendingPathComponent("joined.h264")
                try stream.write(to: joined)
                try MediaTools.ffmpeg([
                    "-fflags", "+genpts", "-r", "10", "-f", "h264", "-i", joined.path, "-c", "copy", url.path,
                ])
            }),
    ]

    @Test(.serialized, arguments: damaged)
    func damagedAndMislabelledFiles(_ testCase: Case) throws { try check(testCase) }

    /// The same damaged file gets the same verdict and message every time (frame-threaded
    /// decoding once made it pass or fail from run to run).
    @Test func aDamagedFileGetsTheSameVerdictEveryTime() throws {
        var verdicts: Set<String> = []
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("veil-damaged-\(UUID()).mp4")
        defer { try? FileManager.default.removeItem(at: source) }
        try Self.mp4(source, moovFirst: true, audio: false)
        try Self.overwrite(source, at: 0.5, count: 4096)
        for _ in 0..<3 {
            var run = try AnonymizeRun(input: "damaged.mp4", outputExtension: "mp4")
            defer { run.remove() }
            try FileManager.default.copyItem(at: source, to: run.input)
            try run.anonymize()
            verdicts.insert("\(run.status) \(run.stderr.replacingOccurrences(of: run.root.path, with: ""))")
        }
        #expect(verdicts.count == 1, "\(verdicts)")
    }

    /// `detect` on a file cut off after its header writes no tracks file for a video with no
    /// picture (it used to exit 0 with `"frames": 0`).
    @Test func detectRefusesAFileWithNoPicture() throws {
        let run = try AnonymizeRun(input: "header-only.mp4", outputExtension: "json")
        defer { run.remove() }
        try Self.mp4(run.input, moovFirst: true)
        try Self.keepPrefix(run.input, bytes: try Self.mdatOffset(run.input) + 8)
        let result = try CLITests.veil(["detect", run.input.path, "--tracks", run.output.path, "--quiet"])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("no video frame"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: run.output.deletingLastPathComponent().path).isEmpty)
    }

    /// A video named like a photo is refused with a message saying what it is.
    @Test func aVideoWithAPhotoExtensionIsCalledAVideo() throws {
        var run = try AnonymizeRun(input: "clip.jpg", outputExtension: "jpg")
        defer { run.remove() }
        try Self.clip("320x240", extra: ["-f", "mp4"])(run.input)
        #expect(try !run.anonymize())
        #expect(run.stderr.contains("video"), "\(run.stderr)")
    }

    /// Overwrites `count` bytes at a fraction of the file with seeded noise.
    static func overwrite(_ url: URL, at fraction: Double, count: Int) throws {
        var data = try Data(contentsOf: url)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let start = Int(Double(data.count) * fraction)
        for index in start..<min(data.count, start + count) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            data[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        try data.write(to: url)
    }

    // MARK: - The check

    func check(_ testCase: Case) throws {
        guard let knownIssue = testCase.knownIssue else { return try checkPromise(testCase) }
        withKnownIssue(Comment(rawValue: knownIssue)) { try checkPromise(testCase) }
    }

    func checkPromise(_ testCase: Case) throws {
        var run = try AnonymizeRun(input: testCase.name, outputExtension: testCase.outputExtension)
        defer { run.remove() }
        try testCase.make(run.input)
        let succeeded = try run.anonymize(testCase.options)
        switch testCase.promise {
        case .refused(let text):
            #expect(!succeeded, "expected a refusal")
            #expect(text.isEmpty || run.stderr.contains(text), "expected '\(text)' in: \(run.stderr)")
        case .output, .outputAtDeclaredSize:
            try #require(succeeded, "expected an output: \(run.stderr)")
            let input = try MediaTools.streams(run.input)
            let output = try MediaTools.streams(run.output)
            if case .output(let size, let rotation) = testCase.promise {
                #expect(output.displayed == size, "displayed size \(output.displayed)")
                #expect(output.rotation == rotation)
            } else {
                #expect(output.displayed == input.displayed, "displayed size \(output.displayed)")
            }
            #expect(output.videoCount == 1 && output.otherCount == 0, "\(output)")
            #expect(output.subtitleCount == input.subtitleCount)
            #expect(output.audioCount == input.audioCount)
            // Every frame, each at its time (within a millisecond).
            let before = try MediaTools.frameTimes(run.input)
            let after = try MediaTools.frameTimes(run.output)
            #expect(before.count == after.count, "frames \(before.count) → \(after.count)")
            #expect(zip(before, after).allSatisfy { abs($0 - $1) < 0.0011 }, "times \(before) → \(after)")
            // Audio copied bit for bit.
            #expect(
                try MediaTools.audioHashes(run.input, count: input.audioCount)
                    == MediaTools.audioHashes(run.output, count: output.audioCount))
            // Location, comment and device tags gone, in the tags and in the bytes.
            let tags = try MediaTools.tags(run.output)
            #expect(tags["location"] == nil && tags["comment"] == nil && tags["make"] == nil, "\(tags)")
            #expect(try Data(contentsOf: run.output).range(of: Data(Self.secret.utf8)) == nil)
        }
    }
}
