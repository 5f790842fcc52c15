internal import CVeilAV
import Foundation
import VeilGeometry
import VeilMedia

/// Owns one `CVeilAV_Session` handle and turns its C calls into Swift values and ``VideoError``s.
///
/// Every call into CVeilAV goes through here; buffers are lent to C only for the duration of a
/// call. Not thread-safe by itself: ``VideoTranscoder`` and ``VideoReader`` serialise access.
final class AVSession {
    private let handle: OpaquePointer
    let inputPath: String
    let info: VideoInfo

    /// Opens `url`; with `hardwareDecoderSuffix` ("cuvid") through FFmpeg's hardware decoder.
    init(input url: URL, hardwareDecoderSuffix: String? = nil) throws(VideoError) {
        var handle: OpaquePointer?
        var raw = CVeilAV_VideoInfo()
        var error = CErrorBuffer()
        let status =
            if let hardwareDecoderSuffix {
                CVeilAV_openInputWithDecoder(
                    url.path, hardwareDecoderSuffix, &handle, &raw, &error.bytes, error.bytes.count)
            } else {
                CVeilAV_openInput(url.path, &handle, &raw, &error.bytes, error.bytes.count)
            }
        guard status == 0, let handle else { throw .unreadableInput(path: url.path, reason: error.message) }
        self.handle = handle
        self.inputPath = url.path
        self.info = VideoInfo(raw)
    }

    deinit { CVeilAV_close(handle) }

    /// Skips the decoder's exact-only work (see ``DecodingFidelity/forDetection``); before the
    /// first frame is read.
    func decodeForDetection() { CVeilAV_decodeForDetection(handle) }

    /// Creates the output file at `path`; returns notes about streams that were left out.
    /// `displayPath` is the path named in errors (the final name rather than the temporary one).
    func openOutput(path: String, displayPath: String, options: VideoOutputOptions) throws(VideoError) -> [String] {
        var notes = CErrorBuffer()
        var error = CErrorBuffer()
        let status = options.encoderName.withCString { encoder in
            options.encoderPreset.withCString { preset in
                var settings = CVeilAV_OutputOptions(
                    encoder: encoder,
                    crf: Int32(options.effectiveCRF),
                    preset: preset,
                    keepMetadata: options.keepsHarmlessMetadata ? 1 : 0,
                    keepAudio: options.keepsAudio ? 1 : 0,
                    keepSubtitles: options.keepsSubtitles ? 1 : 0,
                    maximumHeight: Int32(clamping: options.maximumHeight ?? 0)
                )
                return CVeilAV_openOutput(
                    handle, path, &settings, &notes.bytes, notes.bytes.count, &error.bytes, error.bytes.count)
            }
        }
        guard status == 0 else { throw .outputFailed(path: displayPath, reason: error.message) }
        return notes.message.split(separator: "\n").map(String.init)
    }

    /// The input streams the open output does not copy, and why (`options` are the ones the
    /// output was opened with).
    func droppedStreams(options: VideoOutputOptions) -> [DroppedStream] {
        (0..<CVeilAV_inputStreamCount(handle)).compactMap { index in
            var choice = CVeilAV_StreamChoice()
            guard CVeilAV_describeStream(handle, index, &choice) == 0, choice.isMaskedVideo == 0, choice.isCopied == 0
            else { return nil }
            let type = withUnsafeBytes(of: choice.type) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let codec = withUnsafeBytes(of: choice.codecName) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            let isWanted = (type == "audio" && options.keepsAudio) || (type == "subtitle" && options.keepsSubtitles)
            let reason: DroppedStream.Reason =
                switch type {
                case "audio", "subtitle": isWanted && choice.isUnsupportedByContainer != 0 ? .container : .options
                default: .neverCopied
                }
            return DroppedStream(index: Int(index), type: type, codec: codec, reason: reason)
        }
    }

    /// Says, for frame skipping, whether a frame index is needed; kept alive here for as long
    /// as the C side may call it.
    private final class FrameFilter {
        let isNeeded: (Int) -> Bool
        init(_ isNeeded: @escaping (Int) -> Bool) { self.isNeeded = isNeeded }
    }
    private var frameFilter: FrameFilter?

    /// Leaves out the frames `isNeeded` rejects where no other frame refers to them (see
    /// ``VideoReader/skipFrames(unless:)``); before the first frame is read. False when the
    /// stream does not qualify (nothing changes then).
    func skipFrames(unless isNeeded: @escaping (Int) -> Bool) -> Bool {
        let filter = FrameFilter(isNeeded)
        // Contract: the C side calls the filter only inside CVeilAV_readFrame, on the reading
        // thread, with this context; `frameFilter` keeps it alive for the session's lifetime
        // (the handle is closed in deinit, after which nothing calls it).
        let isOn = CVeilAV_skipFramesUnless(
            handle,
            { context, index in
                guard let context else { return 1 }
                return Unmanaged<FrameFilter>.fromOpaque(context).takeUnretainedValue().isNeeded(Int(index)) ? 1 : 0
            }, Unmanaged.passUnretained(filter).toOpaque())
        guard isOn != 0 else { return false }
        frameFilter = filter
        return true
    }

    /// The next decoded frame, or nil after the last one (frames left out by frame skipping are
    /// passed over; only a reader that skips sees them, through ``readDecodedFrame()``).
    func readFrame() throws(VideoError) -> VideoFrame? {
        while let next = try readDecodedFrame() {
            if let frame = next.frame { return frame }
        }
        return nil
    }

    /// The next frame, decoded or skipped, or nil after the last one.
    func readDecodedFrame() throws(VideoError) -> DecodedFrame? {
        let byteCount = PlanarImage.byteCount(for: info.size)
        var pts: Int64 = 0
        var duration: Int64 = 0
        var index: Int64 = 0
        var isSkipped: Int32 = 0
        var isEnd: Int32 = 0
        var status: Int32 = 0
        var error = CErrorBuffer()
        // Uninitialised storage: the C side fills every byte of a delivered frame, so no time is
        // spent zeroing 3 MB per 1080p frame. A skipped frame's storage is dropped unread.
        let planes = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initializedCount in
            status = CVeilAV_readFrame(
                handle, buffer.baseAddress, byteCount, &pts, &duration, &index, &isSkipped, &isEnd, &error.bytes,
                error.bytes.count)
            initializedCount = status == 0 && isEnd == 0 && isSkipped == 0 ? byteCount : 0
        }
        guard status == 0 else { throw .decodingFailed(path: inputPath, reason: error.message) }
        if isEnd != 0 { return nil }
        if isSkipped != 0 { return .skipped(index: Int(index), pts: pts, duration: duration) }
        return .picture(
            VideoFrame(
                index: Int(index), pts: pts, duration: duration, timeBase: info.timeBase,
                picture: PlanarImage(size: info.size, matrix: info.colorMatrix, planes: planes)))
    }

    /// A note when pictures changed size mid-stream and were scaled to the stream's size; nil
    /// when every picture had the stream's size.
    func rescaledFramesNote() -> String? {
        var firstIndex: Int64 = 0
        var width: Int32 = 0
        var height: Int32 = 0
        let count = CVeilAV_rescaledFrames(handle, &firstIndex, &width, &height)
        guard count > 0 else { return nil }
        return "the picture size changed mid-stream: \(count) frame(s) from frame \(firstIndex) on "
            + "(first \(width)x\(height)) were scaled to \(info.size)"
    }

    /// Encodes one frame; `displayPath` is the output named in errors.
    func write(_ frame: VideoFrame, displayPath: String) throws(VideoError) {
        guard frame.picture.size == info.size else {
            throw .frameSizeMismatch(
                index: frame.index, expected: info.size.description, actual: frame.picture.size.description)
        }
        var error = CErrorBuffer()
        let status = frame.picture.planes.withUnsafeBufferPointer { planes in
            CVeilAV_writeFrame(
                handle, planes.baseAddress, planes.count, frame.pts, frame.duration, Int64(frame.index),
                &error.bytes, error.bytes.count)
        }
        guard status == 0 else { throw .outputFailed(path: displayPath, reason: error.message) }
    }

    /// Flushes the encoder and writes the trailer.
    func finish(displayPath: String) throws(VideoError) {
        var error = CErrorBuffer()
        guard CVeilAV_finish(handle, &error.bytes, error.bytes.count) == 0 else {
            throw .outputFailed(path: displayPath, reason: error.message)
        }
    }

    /// Whether this FFmpeg has an encoder named `name`.
    static func hasEncoder(_ name: String) -> Bool { CVeilAV_hasEncoder(name) != 0 }

    /// Nil when the NVIDIA driver's video libraries load, else what is missing.
    static func nvidiaVideoProblem() -> String? {
        var error = CErrorBuffer()
        return CVeilAV_checkNVIDIAVideo(&error.bytes, error.bytes.count) == 0 ? nil : error.message
    }
}

extension VideoInfo {
    init(_ raw: CVeilAV_VideoInfo) {
        let codecName = withUnsafeBytes(of: raw.codecName) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let pixelFormatName = withUnsafeBytes(of: raw.pixelFormatName) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(
            size: PixelSize(width: Int(raw.width), height: Int(raw.height)),
            timeBase: Rational(Int(raw.timeBaseNumerator), Int(raw.timeBaseDenominator)),
            averageFrameRate: raw.frameRateNumerator > 0 && raw.frameRateDenominator > 0
                ? Rational(Int(raw.frameRateNumerator), Int(raw.frameRateDenominator)) : nil,
            durationSeconds: raw.durationMicroseconds >= 0 ? Double(raw.durationMicroseconds) / 1_000_000 : nil,
            frameCountEstimate: raw.frameCountEstimate >= 0 ? Int(raw.frameCountEstimate) : nil,
            rotationDegrees: raw.rotationDegrees,
            sampleAspectRatio: raw.sampleAspectNumerator > 0 && raw.sampleAspectNumerator != raw.sampleAspectDenominator
                ? Rational(Int(raw.sampleAspectNumerator), Int(raw.sampleAspectDenominator)) : nil,
            audioStreamCount: Int(raw.audioStreamCount),
            subtitleStreamCount: Int(raw.subtitleStreamCount),
            codecName: codecName,
            colorMatrix: ColorMatrix(ffmpegColorspace: Int(raw.colorspace), isFullRange: raw.isFullRange != 0),
            pixelFormatName: pixelFormatName,
            baseFrameRate: raw.baseFrameRateNumerator > 0 && raw.baseFrameRateDenominator > 0
                ? Rational(Int(raw.baseFrameRateNumerator), Int(raw.baseFrameRateDenominator)) : nil
        )
    }
}
