import Foundation
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTracking
import VeilVideo

/// One video run: three threads, one per stage (``DecodeStage`` → ``PlanStage`` →
/// ``EncodeStage``), each owning its state and passing frames and plans through the
/// ``StageLink``'s queues; their statistics are merged into the outcome at the end.
final class VideoRun {
    /// Where frames come from and, when masking, go to.
    enum Media {
        /// Decode, mask and encode.
        case transcode(VideoTranscoder)
        /// Decode only: plans are collected, nothing is written.
        case read(VideoReader)

        var info: VideoInfo {
            switch self {
            case .transcode(let transcoder): transcoder.info
            case .read(let reader): reader.info
            }
        }

        func nextFrame() throws(VideoError) -> VideoFrame? {
            switch self {
            case .transcode(let transcoder): try transcoder.nextFrame()
            case .read(let reader): try reader.nextFrame()
            }
        }

        var transcoder: VideoTranscoder? {
            if case .transcode(let transcoder) = self { transcoder } else { nil }
        }
    }

    /// A frame on its way from planning to masking.
    enum PlannedFrame: Sendable {
        /// Held in memory through the look-ahead.
        case held(VideoFrame)
        /// Read by the detectors' own decoder and dropped; the output's decoder decodes it
        /// again when its masks are known. The index and pts check that both decoders agree.
        case decodedAgain(index: Int, pts: Int64)

        var index: Int {
            switch self {
            case .held(let frame): frame.index
            case .decodedAgain(let index, _): index
            }
        }
    }

    let anonymizer: VideoAnonymizer
    let media: Media
    let framesPerSecond: Double
    /// Whether plans came from a tracks file (render) instead of the detectors.
    let hasGivenPlans: Bool
    let link: StageLink
    let decode: DecodeStage
    let plan: PlanStage
    let encode: EncodeStage

    /// A run of `anonymizer` over `media`. `scout`: the detectors' own decoder, when the
    /// look-ahead would hold too much memory in frames (``VideoSettings/lookAheadMemoryBytes``);
    /// nil: decoded frames are held until masked. `givenPlans`: plans from a tracks file
    /// (render), when set no detector runs. `givenMasks`: masks drawn as given on each frame.
    init(
        anonymizer: VideoAnonymizer,
        media: Media,
        scout: VideoReader? = nil,
        givenPlans: [Int: FramePlan]?,
        givenMasks: [Int: [MaskRegion]] = [:],
        framesPerSecond: Double,
        cancellation: CancellationFlag,
        progress: @escaping @Sendable (VideoProgress) -> Void
    ) {
        self.anonymizer = anonymizer
        self.media = media
        self.framesPerSecond = framesPerSecond
        hasGivenPlans = givenPlans != nil
        link = StageLink(
            decodedCapacity: scout == nil ? VideoAnonymizer.queueCapacity : VideoAnonymizer.scoutQueueCapacity,
            cancellation: cancellation)
        decode = DecodeStage(link: link) { [media] () throws(VideoError) in
            if let scout { try scout.nextDecodedFrame() } else { try media.nextFrame().map(DecodedFrame.picture) }
        }
        plan = PlanStage(
            anonymizer: anonymizer, link: link, givenPlans: givenPlans, holdsFrames: scout == nil,
            framesPerSecond: framesPerSecond)
        encode = EncodeStage(
            anonymizer: anonymizer, media: media, link: link, isScouted: scout != nil, givenMasks: givenMasks,
            progress: progress)
    }

    /// Plans of every frame, in order, when decoding only (detect); read after ``execute()``.
    var collectedPlans: [FramePlan] { encode.statistics.collectedPlans }

    func execute() throws(PipelineError) -> VideoOutcome {
        let started = DispatchTime.now()
        let group = DispatchGroup()
        let stages: [@Sendable () -> Void] = [decode.run, plan.run, encode.run]
        for stage in stages {
            group.enter()
            let thread = Thread {
                stage()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        // A failure wins over a cancellation that arrived meanwhile: the message says why.
        if let failure = link.firstFailure {
            media.transcoder?.cancel()
            throw failure
        }
        if link.cancellation.isCancelled {
            media.transcoder?.cancel()
            throw .cancelled
        }
        do {
            try media.transcoder?.finish()
        } catch {
            throw .video(error)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return outcome(elapsedSeconds: elapsed)
    }

    /// The side to shrink frames to before detection: the largest any detector looks at, or nil
    /// (full resolution) when one of them needs every pixel.
    static func detectionSide(of detectors: [any ObjectDetector]) -> Int? {
        let sides = detectors.map(\.workingSide)
        guard !sides.contains(where: { $0 == nil }) else { return nil }
        return sides.compactMap { $0 }.max()
    }

    /// Each class's detection stride, and the full-size face stride when coarse passes ran.
    var detectionStrides: [String: Int] {
        var strides: [String: Int] = [:]
        for entry in anonymizer.detectors {
            strides[entry.objectClass.rawValue] = entry.coarse?.stride ?? entry.stride
            if entry.coarse != nil { strides[entry.objectClass.rawValue + "-full-size"] = entry.stride }
        }
        return strides
    }

    /// CPU nanoseconds per stage, on the run's own threads: `decode` and `encode` (the calls into
    /// FFmpeg from Veil's threads; the codecs' own threads are not counted), `shrink`, `face`,
    /// `plate`, `change` (where to search), `tracking` (the plan stage), `mask` (masking and any verification).
    var stageCPU: [String: UInt64] {
        var stages = plan.statistics.times.filter { $0.key != "detect" }.mapValues(\.cpuNanoseconds)
        stages["decode"] = decode.time.cpuNanoseconds
        stages["mask"] = encode.statistics.maskTime.cpuNanoseconds
        stages["encode"] = encode.statistics.encodeTime.cpuNanoseconds
        return stages
    }

    /// The stages' statistics merged, read after their threads have finished.
    func outcome(elapsedSeconds: Double) -> VideoOutcome {
        let info = media.info
        let planned = plan.statistics
        let encoded = encode.statistics
        let framesWritten = encoded.framesWritten
        let frames = max(1, framesWritten)
        func perFrame(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 / Double(frames) }
        var outcome = VideoOutcome(
            frames: framesWritten,
            durationSeconds: info.durationSeconds ?? Double(framesWritten) / framesPerSecond,
            width: info.size.width,
            height: info.size.height,
            rotationDegrees: info.rotationDegrees,
            detections: planned.detections,
            tracks: ClassCounts(encoded.trackIDs.mapValues(\.count)),
            framesWithMasks: encoded.framesWithMasks,
            maskedBoxesBySource: encoded.boxesBySource,
            verifyFindings: encoded.findings,
            remaskedFindings: encoded.remasked,
            excludedBoxes: encoded.excludedBoxes,
            framesWithManualRegions: encoded.framesWithManualRegions,
            stageMillisecondsPerFrame: [
                "decode": perFrame(decode.time.wallNanoseconds),
                "detect": perFrame(planned.times["detect"]?.wallNanoseconds ?? 0),
                "mask": perFrame(encoded.maskTime.wallNanoseconds),
                "encode": perFrame(encoded.encodeTime.wallNanoseconds),
            ],
            stageCPUMillisecondsPerFrame: stageCPU.mapValues(perFrame),
            framesPerSecond: Double(framesWritten) / max(elapsedSeconds, 1e-6),
            elapsedSeconds: elapsedSeconds,
            peakMemoryMegabytes: ProcessMemory.peakResidentMegabytes,
            notes: media.transcoder?.notes ?? [],
            droppedStreams: media.transcoder?.droppedStreams ?? [],
            detectionStrides: detectionStrides,
            searchedAreaFraction: hasGivenPlans ? nil : planned.searchedAreaFraction
        )
        outcome.plateSearchedFraction = planned.plateSearched.mean
        return outcome
    }
}
