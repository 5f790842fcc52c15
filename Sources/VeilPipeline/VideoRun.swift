import Foundation
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTracking
import VeilVideo

/// The state of one run shared by its three stage threads.
///
/// `@unchecked Sendable`: each stage owns its own fields (decode: `decodeNanoseconds`; plan:
/// `planner`, `frameQueue`, detection counters; encode: mask/encode counters); the shared
/// `failure` is guarded by `lock`; queues and the transcoder are themselves thread-safe.
final class VideoRun: @unchecked Sendable {
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
    /// The detectors' own decoder when the look-ahead would hold too much memory in frames
    /// (``VideoSettings/lookAheadMemoryBytes``); nil: decoded frames are held until masked.
    let scout: VideoReader?
    /// Plans from a tracks file (render): when set, no detector runs.
    let givenPlans: [Int: FramePlan]?
    /// Masks drawn as given on each frame (a compiled review's manual regions), besides
    /// `settings.userRegions`; never margined, never excluded.
    let givenMasks: [Int: [MaskRegion]]
    /// Plans of every frame, in order, when decoding only (detect).
    var collectedPlans: [FramePlan] = []
    let framesPerSecond: Double
    let cancellation: CancellationFlag
    let progress: @Sendable (VideoProgress) -> Void
    /// Decoded frames on their way to the detectors (fewer when they come from the scout).
    let decoded: BoundedQueue<VideoFrame>
    let planned = BoundedQueue<(PlannedFrame, FramePlan)>(capacity: VideoAnonymizer.queueCapacity)
    let lock = NSLock()
    var failure: PipelineError?

    // Plan stage: one planner per detector (class), pushed once per frame each, in step.
    var planners: [LookAheadPlanner]
    var pendingPlans: [[FramePlan]]
    /// Per detector, the plates its high-resolution passes found, followed between them.
    lazy var plateFollowUps = anonymizer.detectors.map(\.followUp)
    var waiting: [PlannedFrame] = []
    var detectionCounts = ClassCounts()
    /// The plan stage's time: `detect` (all of it), `shrink`, each class's detector, `tracking`.
    var planTimes: [String: StageTime] = [:]
    /// Shrink decoded pictures for the detectors (plan stage), one per size (full and coarse
    /// passes alternate; one scaler would rebuild its filters on every switch).
    var planScalers: [Int: FrameScaler] = [:]
    /// Where each pass searches (plan stage): changed regions and tracks, or everything.
    var search: ChangeDrivenSearch
    /// The secret behind each track's mask noise: drawn per run from the system's
    /// cryptographic source, never written anywhere.
    let noiseSecret = UInt64.random(in: .min ... .max)
    /// Shrinks masked frames for verification (encode stage).
    let verifyScaler = FrameScaler()
    /// The longest side the full passes look at (verification uses it too); nil: full resolution.
    let detectionSide: Int?
    // Decode stage.
    var decodeTime = StageTime()
    // Mask + encode stage.
    var maskTime = StageTime()
    var encodeTime = StageTime()
    var framesWritten = 0
    var framesWithMasks = 0
    var boxesBySource: [String: Int] = [:]
    var trackIDs: [ObjectClass: Set<String>] = [:]
    var findings: [VideoOutcome.Finding] = []
    var remasked = 0
    var excludedBoxes = 0
    var lastProgress = DispatchTime.now().uptimeNanoseconds
    /// Frames per second and time left for progress reports (encode stage).
    var throughput = ThroughputEstimator()
    let startedAt = DispatchTime.now().uptimeNanoseconds
    /// Each track's last detected box and landmarks, to place landmarks on frames between
    /// detections (the surrogate face keeps its roll and gaze instead of jumping).
    var lastLandmarks: [TrackID: (box: Box, landmarks: [Point])] = [:]
    var framesWithManualRegions = 0

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
        self.scout = scout
        decoded = BoundedQueue(
            capacity: scout == nil ? VideoAnonymizer.queueCapacity : VideoAnonymizer.scoutQueueCapacity)
        self.givenPlans = givenPlans
        self.givenMasks = givenMasks
        self.framesPerSecond = framesPerSecond
        self.cancellation = cancellation
        self.progress = progress
        let configuration = anonymizer.video.planner(
            framesPerSecond: framesPerSecond,
            threshold: anonymizer.settings.threshold
        )
        planners = anonymizer.detectors.map { _ in LookAheadPlanner(configuration: configuration) }
        detectionSide = Self.detectionSide(of: anonymizer.detectors.map(\.detector))
        pendingPlans = anonymizer.detectors.map { _ in [] }
        search = ChangeDrivenSearch(
            isEnabled: anonymizer.video.searchesChangedRegionsOnly,
            fullSearchIntervalFrames: Int(
                (anonymizer.video.fullSearchIntervalSeconds * VideoSettings.planningRate(framesPerSecond)).rounded()))
    }

    func execute() throws(PipelineError) -> VideoOutcome {
        let started = DispatchTime.now()
        let group = DispatchGroup()
        for stage in [decodeStage, planStage, encodeStage] {
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
        if let failure = lock.withLock({ failure }) {
            media.transcoder?.cancel()
            throw failure
        }
        if cancellation.isCancelled {
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

    /// Records the first failure and stops every stage of this run. The failure is this file's
    /// alone: the caller's cancellation flag (shared by a whole batch) is never set here, so the
    /// other files of a batch still run.
    func fail(_ error: PipelineError) {
        lock.withLock { if failure == nil { failure = error } }
        decoded.cancel()
        planned.cancel()
    }

    /// Whether the run is stopping (cancelled from outside, or failed). When it is, every queue
    /// is cancelled too, so a stage blocked on a full or empty queue wakes up and exits: without
    /// that, a stop that one stage notices leaves another waiting forever.
    func isStopping() -> Bool {
        guard cancellation.isCancelled || lock.withLock({ failure != nil }) else { return false }
        decoded.cancel()
        planned.cancel()
        return true
    }

    // MARK: Stage 1: decode

    func decodeStage() {
        defer { decoded.close() }
        while !isStopping() {
            let frame: VideoFrame?
            do {
                frame = try decodeTime.measure { () throws(VideoError) in
                    if let scout { try scout.nextFrame() } else { try media.nextFrame() }
                }
            } catch {
                return fail(.video(error))
            }
            guard let frame else { return }
            guard decoded.push(frame) else { return }
        }
        _ = isStopping()
    }

    // MARK: Stage 2: detect, track, plan

    func planStage() {
        defer { planned.close() }
        if let givenPlans {
            while let frame = decoded.pop() {
                guard !isStopping() else { return }
                let plan = givenPlans[frame.index] ?? FramePlan(frameIndex: frame.index, boxes: [])
                guard planned.push((.held(frame), plan)) else { return }
            }
            return
        }
        while let frame = decoded.pop() {
            guard !isStopping() else { return }
            waiting.append(scout == nil ? .held(frame) : .decodedAgain(index: frame.index, pts: frame.pts))
            var whole = StageTime()
            let succeeded = whole.measure { planDetections(on: frame) }
            planTimes["detect", default: StageTime()].add(whole)
            guard succeeded else { return }
            guard emitReadyPlans() else { return }
        }
        guard !isStopping() else { return }
        for index in planners.indices {
            pendingPlans[index] += planners[index].finish()
        }
        _ = emitReadyPlans()
    }

    /// Runs the passes due on this frame and pushes their detections to the planners; false
    /// after a failure.
    func planDetections(on frame: VideoFrame) -> Bool {
        let passes = anonymizer.detectors.map { $0.pass(forFrame: frame.index) }
        // One shrunk copy serves every pass on this frame: the largest side any of them needs.
        let running = passes.compactMap { $0?.detector }
        let side = running.isEmpty ? nil : Self.detectionSide(of: running)
        var shrunk: (image: Image, scaleX: Double, scaleY: Double)?
        for (index, entry) in anonymizer.detectors.enumerated() {
            guard let pass = passes[index] else {
                pendingPlans[index] += planTimes["tracking", default: StageTime()].measure {
                    planners[index].pushUnobserved()
                }
                continue
            }
            var detections: [Detection]
            do {
                if shrunk == nil {
                    shrunk = try planTimes["shrink", default: StageTime()].measure { () throws(VideoError) in
                        try planScaler(side).bgr(of: frame.picture, longestSide: side)
                    }
                }
                guard let shrunk else { return false }
                let key = ChangeDrivenSearch.PassKey(detector: index, isCoarse: pass.isCoarse)
                let tracks = planners[index].liveTrackBoxes.map {
                    $0.scaled(x: 1 / shrunk.scaleX, y: 1 / shrunk.scaleY)
                }
                let area = planTimes["change", default: StageTime()].measure {
                    search.area(for: key, frameIndex: frame.index, image: shrunk.image, tracks: tracks)
                }
                detections = try planTimes[entry.objectClass.rawValue, default: StageTime()].measure {
                    try search.detect(
                        with: pass.detector, pass: key, frameIndex: frame.index, image: shrunk.image, area: area)
                }.filter {
                    $0.objectClass == entry.objectClass
                }.map { $0.mapped(scaleX: shrunk.scaleX, scaleY: shrunk.scaleY) }
                detections = try followPlates(detections, detector: index, isCoarse: pass.isCoarse, frame: frame)
            } catch {
                guard anonymizer.video.masksWholeFrameOnDetectionFailure else {
                    fail(.frame(index: frame.index, reason: "\(error)"))
                    return false
                }
                detections = [Detection(objectClass: entry.objectClass, box: frame.picture.size.bounds, score: 1)]
            }
            for detection in detections where detection.score >= anonymizer.settings.threshold {
                detectionCounts[detection.objectClass] += 1
            }
            let frameSide = max(frame.picture.size.width, frame.picture.size.height)
            let blindBelow = pass.isCoarse ? entry.coarse?.blindSide(frameSide: frameSide) : nil
            pendingPlans[index] += planTimes["tracking", default: StageTime()].measure {
                planners[index].push(detections, blindBelow: blindBelow)
            }
        }
        return true
    }

    /// The scaler for one detection side (nil: full resolution).
    func planScaler(_ side: Int?) -> FrameScaler {
        if let scaler = planScalers[side ?? 0] { return scaler }
        let scaler = FrameScaler()
        planScalers[side ?? 0] = scaler
        return scaler
    }

    /// The side to shrink frames to before detection: the largest any detector looks at, or nil
    /// (full resolution) when one of them needs every pixel.
    static func detectionSide(of detectors: [any ObjectDetector]) -> Int? {
        let sides = detectors.map(\.workingSide)
        guard !sides.contains(where: { $0 == nil }) else { return nil }
        return sides.compactMap { $0 }.max()
    }

    /// Passes on every frame whose plan every planner has finished, merged, in order.
    func emitReadyPlans() -> Bool {
        let ready = pendingPlans.map(\.count).min() ?? waiting.count
        for _ in 0..<ready {
            guard let frame = waiting.first else { return false }
            var merged = FramePlan(frameIndex: frame.index, boxes: [])
            for index in pendingPlans.indices {
                let plan = pendingPlans[index].removeFirst()
                guard plan.frameIndex == frame.index else {
                    fail(.frame(index: plan.frameIndex, reason: "internal error: plan and frame out of step"))
                    return false
                }
                // Each class has its own tracker; IDs are made unique across them.
                let count = pendingPlans.count
                merged.boxes += plan.boxes.map { box in
                    var box = box
                    box.trackID = box.trackID.map { TrackID($0.rawValue * count + index - (count - 1)) }
                    return box
                }
            }
            waiting.removeFirst()
            guard planned.push((frame, merged)) else { return false }
        }
        return true
    }
}
