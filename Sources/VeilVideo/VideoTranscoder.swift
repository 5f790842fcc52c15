public import Foundation
import VeilMedia

/// Re-encodes a video frame by frame while carrying everything else across untouched.
///
/// Each decoded frame comes out of ``nextFrame()`` as a BGR ``VideoFrame``; the caller changes its
/// pixels (masking) and hands it to ``write(_:)`` with the same timestamps; ``finish()`` flushes
/// the encoder and renames the output into place. What the output keeps and drops:
///
/// - Kept: one output frame per input frame with the input's timestamps (variable frame rates and
///   the duration survive), the display rotation (as metadata; pixels are not rotated), the pixel
///   aspect ratio and colour tags, every audio stream packet for packet (bit-identical, same time
///   base) unless ``VideoOutputOptions/keepsAudio`` is off, and with
///   ``VideoOutputOptions/keepsSubtitles`` the subtitle streams the container can hold (MP4/MOV:
///   mov_text).
/// - Dropped: all container and stream metadata (creation time, location, device make and model,
///   encoder names), subtitles by default, data streams (GPS and camera telemetry tracks),
///   timecode tracks, attachments, cover art and extra video streams; ``droppedStreams`` lists
///   each one. ``VideoOutputOptions/keepsHarmlessMetadata`` copies the title, languages and
///   handler names back.
///
/// The output is written under a temporary name beside it and renamed only by a successful
/// ``finish()``; any thrown error, ``cancel()`` or deinitialisation without `finish()` removes the
/// temporary file, so the output path never holds a partial video. The input is never written.
///
/// ```swift
/// let transcoder = try VideoTranscoder(input: phoneClip, output: maskedClip)
/// try transcoder.run { frame in
///     masker.apply(to: &frame.image)
/// }
/// ```
///
/// Streaming: memory holds the frame being converted plus the encoder's look-ahead, whatever
/// the video's length.
///
/// - Note: `@unchecked Sendable` so that a pipeline can read on one task and write on another.
///   That is safe because every mutable member is guarded: reads (decoder, demuxer, copied
///   packets, `decodedCount`, `isInputAtEnd`) run under `readLock`; writes (encoder,
///   `writtenCount`) under `writeLock`; the muxer that both sides feed is guarded by a mutex
///   inside the C session; `state` is guarded by `stateLock`; and `finish()`/`cancel()` take
///   `readLock` then `writeLock` (always in that order) so nothing else runs while they do.
public final class VideoTranscoder: @unchecked Sendable {
    /// The file read.
    public let input: URL
    /// The file written (under a temporary name until the last frame).
    public let output: URL
    /// The input video's size, timing and rotation.
    public let info: VideoInfo
    /// Remarks about the output (for example an odd frame size cut to even) and, once frames
    /// were read, what was changed in them (pictures scaled after a resolution change
    /// mid-stream).
    public var notes: [String] {
        readLock.withLock { outputNotes + (session.rescaledFramesNote().map { [$0] } ?? []) }
    }
    private let outputNotes: [String]
    /// Input streams left out of the output and why (subtitles, data tracks, attachments, ...).
    public let droppedStreams: [DroppedStream]

    private enum State { case open, finished, cancelled, failed }

    private let session: AVSession
    private let temporaryURL: URL
    /// Holds the temporary file locked while this transcode writes it, so that another run's
    /// leftover cleanup (``AtomicFile/removeLeftovers(in:)``) never removes it.
    private let reservation: AtomicFile.Reservation
    private let readLock = NSLock()
    private let writeLock = NSLock()
    private let stateLock = NSLock()
    private var state = State.open
    private var decodedCount = 0
    private var isInputAtEnd = false
    private var writtenCount = 0

    /// Opens the input and creates the (temporary) output.
    ///
    /// - Parameters:
    ///   - input: Any video FFmpeg reads.
    ///   - output: `.mp4`, `.mov` or `.mkv`; must not be the input. Its folder is created.
    ///   - options: Codec, quality and metadata policy.
    /// - Throws: ``VideoError`` when the input is missing or unreadable, the output is the input
    ///   or has an unknown extension, the encoder is missing, or an audio stream cannot be copied
    ///   into the chosen container.
    public init(input: URL, output: URL, options: VideoOutputOptions = VideoOutputOptions()) throws(VideoError) {
        guard FileManager.default.fileExists(atPath: input.path) else { throw .inputNotFound(path: input.path) }
        // FFmpeg would say "moov atom not found" (or "Invalid data") about an empty file.
        if let attributes = try? FileManager.default.attributesOfItem(atPath: input.path),
            (attributes[.size] as? NSNumber)?.intValue == 0
        {
            throw .unreadableInput(path: input.path, reason: "the file is empty (0 bytes)")
        }
        guard !Self.isSameFile(input, output) else { throw .outputIsInput(path: output.path) }
        guard VideoContainer(fileExtension: output.pathExtension) != nil else {
            throw .unsupportedContainer(extension: output.pathExtension)
        }
        guard AVSession.hasEncoder(options.encoderName) else {
            throw .encoderUnavailable(name: options.encoderName)
        }
        if options.hardwareAcceleration == .cuda, let problem = AVSession.nvidiaVideoProblem() {
            throw .hardwareAccelerationUnavailable(reason: problem)
        }
        let session = try AVSession(
            input: input, hardwareDecoderSuffix: options.hardwareAcceleration == .cuda ? "cuvid" : nil)
        let temporaryURL = AtomicFile.temporaryURL(for: output)
        do {
            try FileManager.default.createDirectory(
                at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .outputFailed(path: output.path, reason: (error as NSError).localizedDescription)
        }
        do {
            reservation = try AtomicFile.Reservation(temporaryURL)
        } catch {
            switch error {
            case .unwritable(_, let reason): throw .outputFailed(path: output.path, reason: reason)
            default: throw .outputFailed(path: output.path, reason: error.description)
            }
        }
        do {
            outputNotes = try session.openOutput(path: temporaryURL.path, displayPath: output.path, options: options)
            droppedStreams = session.droppedStreams(options: options)
        } catch {
            try? FileManager.default.removeItem(at: temporaryURL)
            throw error
        }
        self.input = input
        self.output = output
        self.info = session.info
        self.session = session
        self.temporaryURL = temporaryURL
    }

    deinit {
        if state == .open { try? FileManager.default.removeItem(at: temporaryURL) }
    }

    /// The next decoded frame, or nil after the last one. Audio and subtitle packets met on the
    /// way are copied to the output.
    ///
    /// - Throws: ``VideoError/decodingFailed(path:reason:)`` naming the frame (truncated or
    ///   damaged input); the output is removed.
    public func nextFrame() throws(VideoError) -> VideoFrame? {
        readLock.lock()
        defer { readLock.unlock() }
        try checkOpen()
        do {
            guard let frame = try session.readFrame() else {
                isInputAtEnd = true
                return nil
            }
            decodedCount += 1
            return frame
        } catch {
            discard()
            throw error
        }
    }

    /// Encodes a frame read from this transcoder (its `pts` and `duration` are kept; only its
    /// pixels may change). Frames go in the order they were read.
    ///
    /// - Throws: ``VideoError/frameSizeMismatch(index:expected:actual:)`` when the image's size
    ///   changed, ``VideoError/outputFailed(path:reason:)`` when encoding or writing fails; the
    ///   output is removed.
    public func write(_ frame: VideoFrame) throws(VideoError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        try checkOpen()
        do {
            try session.write(frame, displayPath: output.path)
            writtenCount += 1
        } catch {
            discard()
            throw error
        }
    }

    /// Flushes the encoder, completes the file and renames it to ``output``.
    ///
    /// - Throws: ``VideoError/unfinishedTranscode(decoded:written:isInputAtEnd:)`` unless every
    ///   frame was read and written (so no frame is silently dropped), or
    ///   ``VideoError/outputFailed(path:reason:)``; the output is removed either way.
    public func finish() throws(VideoError) {
        readLock.lock()
        writeLock.lock()
        defer {
            writeLock.unlock()
            readLock.unlock()
        }
        try checkOpen()
        guard isInputAtEnd, writtenCount == decodedCount else {
            discard()
            throw .unfinishedTranscode(decoded: decodedCount, written: writtenCount, isInputAtEnd: isInputAtEnd)
        }
        // A file cut off after its header demuxes to an empty stream without an error: an
        // output with no picture is never a correct anonymization of a video.
        guard decodedCount > 0 else {
            discard()
            throw .decodingFailed(
                path: input.path,
                reason: "no video frame could be decoded (the file holds no pictures, or is cut off after its header)")
        }
        do {
            try session.finish(displayPath: output.path)
            try reservation.synchronize()
            try AtomicFile.commit(temporaryURL, to: output)
        } catch let error as VideoError {
            discard()
            throw error
        } catch let error as MediaError {
            discard()
            throw .outputFailed(path: output.path, reason: error.description)
        } catch {
            discard()
            throw .outputFailed(path: output.path, reason: "\(error)")
        }
        stateLock.lock()
        state = .finished
        stateLock.unlock()
    }

    /// Stops and removes the temporary output; the output path is left as it was. Does nothing
    /// after ``finish()``.
    public func cancel() {
        readLock.lock()
        writeLock.lock()
        defer {
            writeLock.unlock()
            readLock.unlock()
        }
        stateLock.lock()
        let wasOpen = state == .open
        if wasOpen { state = .cancelled }
        stateLock.unlock()
        if wasOpen { try? FileManager.default.removeItem(at: temporaryURL) }
    }

    /// Reads every frame, lets `transform` change it, writes it back, and finishes.
    ///
    /// - Throws: a ``VideoError``, or whatever `transform` throws (the output is then removed).
    /// - Complexity: O(frames × pixels), in constant memory.
    public func run(_ transform: (inout VideoFrame) throws -> Void) throws {
        while var frame = try nextFrame() {
            do {
                try transform(&frame)
            } catch {
                cancel()
                throw error
            }
            try write(frame)
        }
        try finish()
    }

    // MARK: - Private

    private func checkOpen() throws(VideoError) {
        stateLock.lock()
        defer { stateLock.unlock() }
        guard state == .open else { throw .closed(path: output.path) }
    }

    /// Marks the transcode failed and removes the temporary output (callable under either lock).
    private func discard() {
        stateLock.lock()
        let wasOpen = state == .open
        if wasOpen { state = .failed }
        stateLock.unlock()
        if wasOpen { try? FileManager.default.removeItem(at: temporaryURL) }
    }

    /// Whether two paths name the same file: equal after resolving symbolic links, or, when both
    /// exist, the same device and inode (hard links, case-insensitive file systems).
    static func isSameFile(_ first: URL, _ second: URL) -> Bool {
        let firstPath = first.standardizedFileURL.resolvingSymlinksInPath().path
        let secondPath = second.standardizedFileURL.resolvingSymlinksInPath().path
        if firstPath == secondPath { return true }
        guard let firstAttributes = try? FileManager.default.attributesOfItem(atPath: firstPath),
            let secondAttributes = try? FileManager.default.attributesOfItem(atPath: secondPath),
            let firstDevice = firstAttributes[.systemNumber] as? NSNumber,
            let secondDevice = secondAttributes[.systemNumber] as? NSNumber,
            let firstInode = firstAttributes[.systemFileNumber] as? NSNumber,
            let secondInode = secondAttributes[.systemFileNumber] as? NSNumber
        else { return false }
        return firstDevice == secondDevice && firstInode == secondInode
    }
}
