public import Foundation
public import VeilDetection
public import VeilGeometry
import VeilMasking
import VeilMedia
public import VeilTracking
public import VeilVideo

/// Progress of a running video, for progress lines and `--json-progress`.
public struct VideoProgress: Sendable, Codable {
    public var framesDone: Int
    public var framesTotal: Int?
    public var framesPerSecond: Double
    public var etaSeconds: Double?
}

/// Anonymizes one video: decode ∥ detect + track + plan ∥ mask + encode, joined by bounded
/// queues so both cores stay busy and memory stays constant.
///
/// Fail closed: a decode, inference, masking or encoding error stops the run with a message
/// naming the frame, and nothing is left under the output name (the transcoder writes to a
/// temporary name and renames it only after the last frame). The same happens on cancel.
public struct VideoAnonymizer: Sendable {
    /// One detector for one class, run on every `stride`-th frame.
    public struct ClassDetector: Sendable {
        public var objectClass: ObjectClass
        public var detector: any ObjectDetector
        public var stride: Int

        public init(objectClass: ObjectClass, detector: any ObjectDetector, stride: Int) {
            self.objectClass = objectClass
            self.detector = detector
            self.stride = max(1, stride)
        }
    }

    /// Detectors per class (plates are costlier and change more slowly than faces appear).
    /// Each class is tracked separately, so a frame where only one class was detected never
    /// counts as a miss for the other.
    public let detectors: [ClassDetector]
    public let settings: AnonymizationSettings
    public let video: VideoSettings
    /// Frames in flight between stages (besides the look-ahead window).
    static let queueCapacity = 4

    public init(detectors: [ClassDetector], settings: AnonymizationSettings, video: VideoSettings) {
        self.detectors = detectors
        self.settings = settings
        self.video = video
    }

    /// Every model used, for reports.
    public var models: [ModelFingerprint] { detectors.flatMap(\.detector.models) }

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
    public func render(
        input: URL,
        output: URL,
        plans: [Int: FramePlan],
        cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) throws(PipelineError) -> VideoOutcome {
        try run(input: input, output: output, plans: plans, cancellation: cancellation, progress: progress).outcome
    }

    private func run(
        input: URL,
        output: URL?,
        plans: [Int: FramePlan]?,
        cancellation: CancellationFlag,
        progress: @escaping @Sendable (VideoProgress) -> Void
    ) throws(PipelineError) -> (outcome: VideoOutcome, plans: [FramePlan], info: VideoInfo) {
        let media: VideoRun.Media
        do {
            if let output {
                media = .transcode(try VideoTranscoder(input: input, output: output, options: video.output))
            } else {
                media = .read(try VideoReader(url: input))
            }
        } catch {
            throw .video(error)
        }
        let info = media.info
        let framesPerSecond = info.averageFrameRate.map(\.doubleValue).flatMap { $0 > 0 ? $0 : nil } ?? 30
        let run = VideoRun(
            anonymizer: self,
            media: media,
            givenPlans: plans,
            framesPerSecond: framesPerSecond,
            cancellation: cancellation,
            progress: progress
        )
        let outcome = try run.execute()
        return (outcome, run.collectedPlans, info)
    }
}

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

    let anonymizer: VideoAnonymizer
    let media: Media
    /// Plans from a tracks file (render): when set, no detector runs.
    let givenPlans: [Int: FramePlan]?
    /// Plans of every frame, in order, when decoding only (detect).
    private(set) var collectedPlans: [FramePlan] = []
    let framesPerSecond: Double
    let cancellation: CancellationFlag
    let progress: @Sendable (VideoProgress) -> Void
    let decoded = BoundedQueue<VideoFrame>(capacity: VideoAnonymizer.queueCapacity)
    let planned = BoundedQueue<(VideoFrame, FramePlan)>(capacity: VideoAnonymizer.queueCapacity)
    private let lock = NSLock()
    private var failure: PipelineError?

    // Plan stage: one planner per detector (class), pushed once per frame each, in step.
    private var planners: [LookAheadPlanner]
    private var pendingPlans: [[FramePlan]]
    private var waiting: [VideoFrame] = []
    private var detectionCounts: [String: Int] = [:]
    private var detectNanoseconds: UInt64 = 0
    // Decode stage.
    private var decodeNanoseconds: UInt64 = 0
    // Mask + encode stage.
    private var maskNanoseconds: UInt64 = 0
    private var encodeNanoseconds: UInt64 = 0
    private var framesWritten = 0
    private var framesWithMasks = 0
    private var boxesBySource: [String: Int] = [:]
    private var trackIDs: [String: Set<String>] = [:]
    private var findings: [VideoOutcome.Finding] = []
    private var remasked = 0
    private var excludedBoxes = 0
    /// Each track's last detected box and landmarks, to place landmarks on frames between
    /// detections (the surrogate face keeps its roll and gaze instead of jumping).
    private var lastLandmarks: [TrackID: (box: Box, landmarks: [Point])] = [:]
    private var framesWithManualRegions = 0

    init(
        anonymizer: VideoAnonymizer,
        media: Media,
        givenPlans: [Int: FramePlan]?,
        framesPerSecond: Double,
        cancellation: CancellationFlag,
        progress: @escaping @Sendable (VideoProgress) -> Void
    ) {
        self.anonymizer = anonymizer
        self.media = media
        self.givenPlans = givenPlans
        self.framesPerSecond = framesPerSecond
        self.cancellation = cancellation
        self.progress = progress
        let configuration = anonymizer.video.planner(
            framesPerSecond: framesPerSecond,
            threshold: anonymizer.settings.threshold
        )
        planners = anonymizer.detectors.map { _ in LookAheadPlanner(configuration: configuration) }
        pendingPlans = anonymizer.detectors.map { _ in [] }
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

    /// Records the first failure and stops every stage.
    private func fail(_ error: PipelineError) {
        lock.withLock { if failure == nil { failure = error } }
        cancellation.cancel()
        decoded.cancel()
        planned.cancel()
    }

    /// Whether the run is stopping (cancelled or failed). When it is, every queue is cancelled
    /// too, so a stage blocked on a full or empty queue wakes up and exits: without that, a
    /// cancel that one stage notices leaves another waiting forever.
    private func isStopping() -> Bool {
        guard cancellation.isCancelled else { return false }
        decoded.cancel()
        planned.cancel()
        return true
    }

    // MARK: Stage 1: decode

    private func decodeStage() {
        defer { decoded.close() }
        while !isStopping() {
            let started = DispatchTime.now().uptimeNanoseconds
            let frame: VideoFrame?
            do {
                frame = try media.nextFrame()
            } catch {
                return fail(.video(error))
            }
            decodeNanoseconds += DispatchTime.now().uptimeNanoseconds - started
            guard let frame else { return }
            guard decoded.push(frame) else { return }
        }
        _ = isStopping()
    }

    // MARK: Stage 2: detect, track, plan

    private func planStage() {
        defer { planned.close() }
        if let givenPlans {
            while let frame = decoded.pop() {
                guard !isStopping() else { return }
                let plan = givenPlans[frame.index] ?? FramePlan(frameIndex: frame.index, boxes: [])
                guard planned.push((frame, plan)) else { return }
            }
            return
        }
        while let frame = decoded.pop() {
            guard !isStopping() else { return }
            waiting.append(frame)
            let started = DispatchTime.now().uptimeNanoseconds
            for (index, entry) in anonymizer.detectors.enumerated() {
                guard frame.index % entry.stride == 0 else {
                    pendingPlans[index] += planners[index].pushUnobserved()
                    continue
                }
                var detections: [Detection]
                do {
                    detections = try entry.detector.detect(in: frame.image).filter {
                        $0.objectClass == entry.objectClass
                    }
                } catch {
                    guard anonymizer.video.masksWholeFrameOnDetectionFailure else {
                        return fail(.frame(index: frame.index, reason: error.description))
                    }
                    detections = [Detection(objectClass: entry.objectClass, box: frame.image.size.bounds, score: 1)]
                }
                for detection in detections where detection.score >= anonymizer.settings.threshold {
                    detectionCounts[detection.objectClass.rawValue, default: 0] += 1
                }
                pendingPlans[index] += planners[index].push(detections)
            }
            detectNanoseconds += DispatchTime.now().uptimeNanoseconds - started
            guard emitReadyPlans() else { return }
        }
        guard !isStopping() else { return }
        for index in planners.indices {
            pendingPlans[index] += planners[index].finish()
        }
        _ = emitReadyPlans()
    }

    /// Passes on every frame whose plan every planner has finished, merged, in order.
    private func emitReadyPlans() -> Bool {
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

    // MARK: Stage 3: mask, verify, encode

    private func encodeStage() {
        let settings = anonymizer.settings
        while let (original, givenPlan) = planned.pop() {
            guard !isStopping() else { return }
            if media.transcoder == nil {
                // Detect only: keep the plan, write nothing.
                collectedPlans.append(givenPlan)
                record(givenPlan, regionCount: givenPlan.boxes.count)
                framesWritten += 1
                reportProgress()
                continue
            }
            var plan = givenPlan
            let excludedTracks = settings.excludedTrackIDs
            if !excludedTracks.isEmpty {
                let before = plan.boxes.count
                plan.boxes.removeAll { box in box.trackID.map { excludedTracks.contains($0.rawValue) } ?? false }
                excludedBoxes += before - plan.boxes.count
            }
            var frame = original
            let started = DispatchTime.now().uptimeNanoseconds
            let planned = plan.boxes.map { box in
                Detection(
                    objectClass: box.objectClass, box: box.box, score: box.score ?? 1,
                    landmarks: landmarksCarriedForward(for: box))
            }
            let time = frame.timestamp
            let (detections, excluded) = settings.userRegions.applyingExclusions(to: planned, at: time)
            excludedBoxes += excluded
            let manual = settings.userRegions.masks(at: time)
            if !manual.isEmpty { framesWithManualRegions += 1 }
            let regions = settings.planner.regions(for: detections, in: frame.image.size) + manual
            do {
                try settings.masker.apply(regions, to: &frame.image)
                if anonymizer.video.verifies { try verify(&frame) }
            } catch let error as PipelineError {
                return fail(error)
            } catch let error as MaskingError {
                return fail(.frame(index: frame.index, reason: error.description))
            } catch {
                return fail(.frame(index: frame.index, reason: "\(error)"))
            }
            let masked = DispatchTime.now().uptimeNanoseconds
            maskNanoseconds += masked - started
            record(plan, regionCount: regions.count)
            do {
                try media.transcoder?.write(frame)
            } catch {
                return fail(.video(error))
            }
            encodeNanoseconds += DispatchTime.now().uptimeNanoseconds - masked
            framesWritten += 1
            reportProgress()
        }
    }

    /// The box's own landmarks, or its track's last ones moved and scaled with the box.
    private func landmarksCarriedForward(for planned: PlannedBox) -> [Point] {
        guard let id = planned.trackID else { return planned.landmarks }
        if planned.landmarks.count == 5 {
            lastLandmarks[id] = (planned.box, planned.landmarks)
            return planned.landmarks
        }
        guard let last = lastLandmarks[id], last.box.width > 0, last.box.height > 0 else { return [] }
        let scaleX = planned.box.width / last.box.width
        let scaleY = planned.box.height / last.box.height
        return last.landmarks.map { point in
            Point(
                x: planned.box.minX + (point.x - last.box.minX) * scaleX,
                y: planned.box.minY + (point.y - last.box.minY) * scaleY
            )
        }
    }

    /// Runs the detector on a masked frame; anything it still finds is recorded and, unless
    /// disabled, masked as well.
    private func verify(_ frame: inout VideoFrame) throws {
        let threshold = max(anonymizer.settings.threshold, VerificationPolicy.minimumScore)
        var found: [Detection] = []
        for entry in anonymizer.detectors {
            do {
                found += try entry.detector.detect(in: frame.image).filter {
                    $0.score >= threshold && anonymizer.settings.targets.contains($0.objectClass)
                }
            } catch {
                throw PipelineError.frame(index: frame.index, reason: "verification: \(error.description)")
            }
        }
        guard !found.isEmpty else { return }
        findings += found.map { VideoOutcome.Finding(frame: frame.index, objectClass: $0.objectClass, score: $0.score) }
        if anonymizer.video.remasksVerifiedFindings {
            let fill = Masker(style: .fill, settings: anonymizer.settings.masker.settings)
            try fill.apply(anonymizer.settings.planner.regions(for: found, in: frame.image.size), to: &frame.image)
            remasked += found.count
        }
    }

    private func record(_ plan: FramePlan, regionCount: Int) {
        if regionCount > 0 { framesWithMasks += 1 }
        for box in plan.boxes {
            boxesBySource["\(box.source)", default: 0] += 1
            if let id = box.trackID { trackIDs[box.objectClass.rawValue, default: []].insert("\(id)") }
        }
    }

    private var lastProgress = DispatchTime.now().uptimeNanoseconds
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    private func reportProgress() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastProgress > 250_000_000 else { return }
        lastProgress = now
        let elapsed = Double(now - startedAt) / 1e9
        let fps = Double(framesWritten) / max(elapsed, 1e-3)
        let total = media.info.frameCountEstimate
        progress(
            VideoProgress(
                framesDone: framesWritten,
                framesTotal: total,
                framesPerSecond: fps,
                etaSeconds: total.map { Double(max(0, $0 - framesWritten)) / max(fps, 1e-3) }
            )
        )
    }

    private func outcome(elapsedSeconds: Double) -> VideoOutcome {
        let info = media.info
        let frames = max(1, framesWritten)
        func perFrame(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 / Double(frames) }
        return VideoOutcome(
            frames: framesWritten,
            durationSeconds: info.durationSeconds ?? Double(framesWritten) / framesPerSecond,
            width: info.size.width,
            height: info.size.height,
            rotationDegrees: info.rotationDegrees,
            detections: detectionCounts,
            tracks: trackIDs.mapValues(\.count),
            framesWithMasks: framesWithMasks,
            maskedBoxesBySource: boxesBySource,
            verifyFindings: findings,
            remaskedFindings: remasked,
            excludedBoxes: excludedBoxes,
            framesWithManualRegions: framesWithManualRegions,
            stageMillisecondsPerFrame: [
                "decode": perFrame(decodeNanoseconds),
                "detect": perFrame(detectNanoseconds),
                "mask": perFrame(maskNanoseconds),
                "encode": perFrame(encodeNanoseconds),
            ],
            framesPerSecond: Double(framesWritten) / max(elapsedSeconds, 1e-6),
            elapsedSeconds: elapsedSeconds,
            peakMemoryMegabytes: ProcessMemory.peakResidentMegabytes,
            notes: media.transcoder?.notes ?? []
        )
    }
}

/// Settings of the verification pass.
enum VerificationPolicy {
    /// A masked region sometimes still looks faintly face-shaped to a detector at very low
    /// scores; below this the finding is noise, not a recognisable face.
    static let minimumScore = 0.5
}

/// Peak memory of this process.
public enum ProcessMemory {
    /// The high-water mark of resident memory (VmHWM), in MB; 0 where /proc is unavailable.
    public static var peakResidentMegabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
