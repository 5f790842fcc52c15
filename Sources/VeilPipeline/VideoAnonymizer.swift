public import Foundation
public import VeilDetection
public import VeilGeometry
import VeilMasking
import VeilMedia
public import VeilTracking
public import VeilVideo

/// Progress of a running video, for progress lines and `--json-progress`.
public struct VideoProgress: Sendable, Codable {
    /// Frames written so far.
    public var framesDone: Int
    /// The container's frame count (an estimate for some formats); nil when unknown.
    public var framesTotal: Int?
    /// Frames per second, smoothed (see ``ThroughputEstimator``).
    public var framesPerSecond: Double
    /// Seconds left; nil for the first seconds, until the rate is measured.
    public var etaSeconds: Double?
}

/// Anonymizes one video: decode ∥ detect + track + plan ∥ mask + encode, joined by bounded
/// queues so both cores stay busy and memory stays constant.
///
/// Fail closed: a decode, inference, masking or encoding error stops the run with a message
/// naming the frame, and nothing is left under the output name (the transcoder writes to a
/// temporary name and renames it only after the last frame). The same happens on cancel.
public struct VideoAnonymizer: Sendable {
    /// One detector for one class, run on every `stride`-th frame, and optionally a coarser
    /// copy of it on frames in between.
    public struct ClassDetector: Sendable {
        /// The class this detector finds.
        public var objectClass: ObjectClass
        /// The detector of the full passes.
        public var detector: any ObjectDetector
        /// Full passes on every n-th frame.
        public var stride: Int
        /// Runs on every `coarse.stride`-th frame that the full pass skips.
        public var coarse: CoarsePass?
        /// Whether the passes run half a stride late (frames 2, 6, 10, … for stride 4), so that
        /// they fall between another class's full passes instead of on them: the plan thread's
        /// work per frame evens out and the encoder is not starved behind one long frame. The
        /// frames before the first pass are covered like skipped ones.
        public var isStaggered: Bool
        /// Plates only the high-resolution passes see, followed in crops on every pass
        /// (``VideoSettings/plateHighResolutionStride``); nil for other detectors.
        public var followUp: PlateFollowUp?
        /// Plates: the full passes read one strip of the frame in turn plus the plates'
        /// neighbourhoods (``VideoSettings/plateBands``); nil: whole frames.
        public var stripSearch: PlateStripSearch?

        /// A detector for one class; `coarse` adds cheaper passes between the full ones.
        public init(
            objectClass: ObjectClass, detector: any ObjectDetector, stride: Int, coarse: CoarsePass? = nil,
            isStaggered: Bool = false
        ) {
            self.objectClass = objectClass
            self.detector = detector
            self.stride = max(1, stride)
            self.coarse = coarse
            self.isStaggered = isStaggered
        }

        /// This detector with its strides multiplied by `factor` (at least 1 each), the full
        /// stride kept a multiple of the coarse one.
        public func scaled(by factor: Double) -> ClassDetector {
            func scale(_ stride: Int) -> Int { max(1, Int((Double(stride) * factor).rounded())) }
            guard var coarse else {
                var scaled = ClassDetector(
                    objectClass: objectClass, detector: detector, stride: scale(stride), isStaggered: isStaggered)
                scaled.followUp = followUp
                scaled.stripSearch = stripSearch
                return scaled
            }
            coarse.stride = scale(coarse.stride)
            let full = coarse.stride * max(1, Int((Double(stride) * factor / Double(coarse.stride)).rounded()))
            var scaled = ClassDetector(
                objectClass: objectClass, detector: detector, stride: full, coarse: coarse, isStaggered: isStaggered)
            scaled.followUp = followUp
            scaled.stripSearch = stripSearch
            return scaled
        }

        /// The pass that runs on a frame, if any: the full one on every `stride`-th frame, else
        /// the coarse one on every `coarse.stride`-th.
        func pass(forFrame index: Int) -> (detector: any ObjectDetector, isCoarse: Bool)? {
            // Staggered by half the most frequent pass's stride, so every pass stays off the
            // other classes' frames.
            let shifted = index - (isStaggered ? (coarse?.stride ?? stride) / 2 : 0)
            if shifted >= 0, shifted % stride == 0 { return (detector, false) }
            if let coarse, isStaggered ? shifted >= 0 && shifted % coarse.stride == 0 : index % coarse.stride == 0 {
                return (coarse.detector, true)
            }
            return nil
        }
    }

    /// Whether any detection pass runs on frame `index`: the frames whose pictures the
    /// detectors look at (the plan stage's schedule; a frame without one is planned from the
    /// tracker and the look-ahead alone).
    func runsPass(onFrame index: Int) -> Bool {
        detectors.contains { $0.pass(forFrame: index) != nil }
    }

    /// A cheaper detection pass between full ones (the same network at a lower resolution). It
    /// cannot see small objects, so on its frames tracks smaller than what it sees reliably are
    /// carried by the tracker instead of counted as missed, and new small objects wait for the
    /// next full pass (then held backwards over the frames that could not see them).
    public struct CoarsePass: Sendable {
        /// The coarse detector (the same network at a lower resolution).
        public var detector: any ObjectDetector
        /// Coarse passes on every n-th frame the full pass skips.
        public var stride: Int
        /// The smallest object (shorter side, pixels at the detector's working side) this pass
        /// finds reliably. Default 16: CenterFace finds faces from about 12 px at its input,
        /// with scores that sag below about 16 px.
        public var reliableSide: Double

        /// A coarse pass.
        public init(detector: any ObjectDetector, stride: Int, reliableSide: Double = 16) {
            self.detector = detector
            self.stride = max(1, stride)
            self.reliableSide = reliableSide
        }

        /// The shorter side (frame pixels) below which this pass is blind, for a frame whose
        /// longest side is `frameSide`.
        func blindSide(frameSide: Int) -> Double {
            guard let working = detector.workingSide, working < frameSide else { return reliableSide }
            return reliableSide * Double(frameSide) / Double(working)
        }
    }

    /// Detectors per class (plates are costlier and change more slowly than faces appear).
    /// Each class is tracked separately, so a frame where only one class was detected never
    /// counts as a miss for the other.
    public let detectors: [ClassDetector]
    /// What masks look like.
    public let settings: AnonymizationSettings
    /// Look-ahead, schedule and encoding.
    public let video: VideoSettings
    /// Tests only: a frame the scout is told no pass needs although one does, so that the plan
    /// stage's check fails the try and the run is tried again without skipping.
    var scoutMistakesFrameForUnneeded: Int?
    /// Frames in flight between stages (besides the look-ahead window).
    static let queueCapacity = 4
    /// Decoded frames waiting for the detectors when they read from their own decoder: the
    /// detectors are several times slower than decoding, so one frame ready is enough to keep
    /// them busy, and each frame less held is 3.1 MB at 1080p, 12.4 MB at 4K (docs/DECISIONS.md).
    static let scoutQueueCapacity = 1

    /// An anonymizer with these detectors (see ``VideoSettings/detectors(targets:choice:threshold:store:options:plateModel:faceModel:)`` for Veil's own).
    public init(detectors: [ClassDetector], settings: AnonymizationSettings, video: VideoSettings) {
        self.detectors = detectors
        self.settings = settings
        self.video = video
    }

    /// Every model used, for reports.
    public var models: [ModelFingerprint] { detectors.flatMap(\.detector.models) }

    /// Detects, tracks, masks and encodes `input` into `output`, blocking until done; `cancellation` stops it (nothing is left under `output`).
    public func anonymize(
        input: URL,
        output: URL,
        cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) throws(PipelineError) -> VideoOutcome {
        try run(input: input, output: output, plans: nil, cancellation: cancellation, progress: progress).outcome
    }

    /// Detects and tracks without writing any video: the per-frame plans that `anonymize`
    /// would mask (for a tracks file to review and edit).
    public func detectPlans(
        input: URL,
        cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) throws(PipelineError) -> (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo) {
        let result = try run(input: input, output: nil, plans: nil, cancellation: cancellation, progress: progress)
        return (result.outcome, result.plans, result.info)
    }

    /// Masks a video from plans made earlier (a tracks file): no detection runs. With the same
    /// settings the output matches `anonymize` (masks drawn with random noise differ in the
    /// noise only).
    ///
    /// - Parameters:
    ///   - input: the video the plans were made for.
    ///   - output: where the masked video goes (written under a temporary name until complete).
    ///   - plans: the boxes to mask, by frame index (a tracks file's `plansByFrame`).
    ///   - masks: regions drawn exactly as given on the frame with that index (a reviewed
    ///     video's manual regions, compiled per frame), in addition to the settings' user
    ///     regions; exclusions never remove them.
    ///   - cancellation: stops the run; nothing is left under `output`.
    ///   - progress: called while frames are written.
    public func render(
        input: URL,
        output: URL,
        plans: [Int: FramePlan],
        masks: [Int: [MaskRegion]] = [:],
        cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) throws(PipelineError) -> VideoOutcome {
        try run(
            input: input, output: output, plans: plans, masks: masks, cancellation: cancellation, progress: progress
        ).outcome
    }

    /// One run; when it fails while the scout skipped frames (``VideoSettings/skipsFramesWithoutPasses``),
    /// it runs again decoding every frame, so a stream whose frames cannot be numbered safely
    /// once some were skipped (its irregularities show only mid-stream) gets the outcome, or
    /// the error, it gets without skipping. The failed try leaves nothing behind (its
    /// transcoder removes its temporary output); a cancelled run is not tried again.
    private func run(
        input: URL,
        output: URL?,
        plans: [Int: FramePlan]?,
        masks: [Int: [MaskRegion]] = [:],
        cancellation: CancellationFlag,
        progress: @escaping @Sendable (VideoProgress) -> Void
    ) throws(PipelineError) -> (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo) {
        var didSkip = false
        do {
            return try runOnce(
                input: input, output: output, plans: plans, masks: masks, skipsFrames: video.skipsFramesWithoutPasses,
                didSkip: &didSkip, cancellation: cancellation, progress: progress)
        } catch {
            guard didSkip, !cancellation.isCancelled else { throw error }
            var result = try runOnce(
                input: input, output: output, plans: plans, masks: masks, skipsFrames: false, didSkip: &didSkip,
                cancellation: cancellation, progress: progress)
            result.outcome.notes.append(
                "the detectors' decoder could not leave frames out of this stream (\(error)); "
                    + "it was run again decoding every frame")
            return result
        }
    }

    /// One run; `skipsFrames`: let the scout leave out the frames no pass reads, and set
    /// `didSkip` when it does.
    private func runOnce(
        input: URL,
        output: URL?,
        plans: [Int: FramePlan]?,
        masks: [Int: [MaskRegion]],
        skipsFrames: Bool,
        didSkip: inout Bool,
        cancellation: CancellationFlag,
        progress: @escaping @Sendable (VideoProgress) -> Void
    ) throws(PipelineError) -> (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo) {
        let media: VideoRun.Media
        do {
            if let output {
                media = .transcode(try VideoTranscoder(input: input, output: output, options: video.output))
            } else {
                media = .read(try VideoReader(url: input, fidelity: video.detectionDecoding))
            }
        } catch {
            throw .video(error)
        }
        let info = media.info
        let framesPerSecond = info.averageFrameRate.map(\.doubleValue).flatMap { $0 > 0 ? $0 : nil } ?? 30
        var anonymizer = self
        if video.stridesFollowFrameRate {
            let factor = VideoSettings.planningRate(framesPerSecond) / VideoSettings.referenceFramesPerSecond
            anonymizer = VideoAnonymizer(
                detectors: detectors.map { $0.scaled(by: factor) }, settings: settings, video: video)
        }
        // When the look-ahead would hold more decoded frames than its memory budget, the
        // detectors read from a second decoder and the output's decoder follows behind.
        var scout: VideoReader?
        if media.transcoder != nil, plans == nil {
            let window = video.planner(framesPerSecond: framesPerSecond, threshold: settings.threshold).lookAheadFrames
            let frameBytes = PlanarImage.byteCount(for: info.size)
            if (window + 2 * Self.queueCapacity) * frameBytes > video.lookAheadMemoryBytes {
                do {
                    scout = try VideoReader(url: input, fidelity: video.detectionDecoding)
                } catch {
                    throw .video(error)
                }
            }
        }
        // The scout decodes only what a pass looks at (and what those frames refer to); the plan
        // stage checks every skipped frame against the same schedule.
        var isScoutSkipping = false
        if let scout, skipsFrames, video.detectionDecoding == .forDetection {
            let (schedule, mistaken) = (anonymizer, scoutMistakesFrameForUnneeded)
            isScoutSkipping = scout.skipFrames { $0 != mistaken && schedule.runsPass(onFrame: $0) }
        }
        didSkip = isScoutSkipping
        let run = VideoRun(
            anonymizer: anonymizer,
            media: media,
            scout: scout,
            givenPlans: plans,
            givenMasks: masks,
            framesPerSecond: framesPerSecond,
            cancellation: cancellation,
            progress: progress
        )
        var outcome = try run.execute()
        if isScoutSkipping { outcome.scoutSkippedFrames = run.plan.statistics.skippedFrames }
        // A file cut off after its header reads as an empty stream without an error; `detect`
        // would write a tracks file for a video with no picture (the transcoder refuses too).
        guard outcome.frames > 0 else {
            throw .video(
                .decodingFailed(
                    path: input.path,
                    reason: "no video frame could be decoded (the file holds no pictures, "
                        + "or is cut off after its header)"))
        }
        if let output {
            outcome.inputSHA256 = try Self.sha256(of: input)
            outcome.outputSHA256 = try Self.sha256(of: output)
        }
        return (outcome, run.collectedPlans, info)
    }

    /// The file's SHA-256 for the report (chain of custody).
    static func sha256(of url: URL) throws(PipelineError) -> String {
        do {
            return try SHA256.hex(ofFileAt: url)
        } catch {
            throw .media(.unreadable(path: url.path, reason: error.localizedDescription))
        }
    }
}
