import VeilDetection
import VeilGeometry
import VeilMedia
import VeilTracking
import VeilVideo

/// Stage 2 of a video run: runs the passes due on each decoded frame, tracks, and hands each
/// frame on with its plan once every planner has decided it (the look-ahead).
///
/// `@unchecked Sendable`: run by one thread from start to end; the run reads ``statistics``
/// only after that thread has finished.
final class PlanStage: @unchecked Sendable {
    /// What the stage measured, for the run's outcome.
    struct Statistics {
        /// Detections at or above the threshold, per class.
        var detections = ClassCounts()
        /// `detect` (all of it), `shrink`, each class's detector, `change`, `tracking`.
        var times: [String: StageTime] = [:]
        /// The share of the frame the passes searched (``ChangeDrivenSearch``).
        var searchedAreaFraction: Double = 1
        /// The share of the frame each plate pass in strips read (``PlateStripSearch``).
        var plateSearched = Mean()
        /// Frames the scout skipped (planned without a pass).
        var skippedFrames = 0
    }

    /// A running mean; nil before the first value.
    struct Mean {
        private var sum = 0.0
        private var count = 0
        mutating func add(_ value: Double) {
            sum += value
            count += 1
        }
        var mean: Double? { count > 0 ? sum / Double(count) : nil }
    }

    let anonymizer: VideoAnonymizer
    private let link: StageLink
    /// Plans from a tracks file (render): when set, no detector runs.
    private let givenPlans: [Int: FramePlan]?
    /// Whether decoded frames are held until masked; false: the output's decoder decodes them
    /// again (the scout feeds this stage).
    private let holdsFrames: Bool
    /// One planner per detector (class), pushed once per frame each, in step.
    private var planners: [LookAheadPlanner]
    private var pendingPlans: [[FramePlan]]
    /// Per detector, the plates its high-resolution passes found, followed between them.
    var plateFollowUps: [PlateFollowUp?]
    private var waiting: [VideoRun.PlannedFrame] = []
    /// Shrink decoded pictures for the detectors, one per size (full and coarse passes
    /// alternate; one scaler would rebuild its filters on every switch).
    private var scalers: [Int: FrameScaler] = [:]
    /// Where each pass searches: changed regions and tracks, or everything.
    private var search: ChangeDrivenSearch
    /// Where the full-size face passes search: one strip in turn and the faces' neighbourhoods.
    private var rotation: RotatingFullSearch
    /// The plate passes in strips: each detector's pass count and recent plates.
    private var plateStrips = PlateStripRotation()
    private(set) var statistics = Statistics()

    init(
        anonymizer: VideoAnonymizer, link: StageLink, givenPlans: [Int: FramePlan]?, holdsFrames: Bool,
        framesPerSecond: Double
    ) {
        self.anonymizer = anonymizer
        self.link = link
        self.givenPlans = givenPlans
        self.holdsFrames = holdsFrames
        let configuration = anonymizer.video.planner(
            framesPerSecond: framesPerSecond,
            threshold: anonymizer.settings.threshold
        )
        planners = anonymizer.detectors.map { _ in LookAheadPlanner(configuration: configuration) }
        pendingPlans = anonymizer.detectors.map { _ in [] }
        plateFollowUps = anonymizer.detectors.map(\.followUp)
        let faceFullStride = anonymizer.detectors.first { $0.objectClass == .face && $0.coarse != nil }?.stride
        rotation = RotatingFullSearch(
            bands: faceFullStride == nil ? 1 : anonymizer.video.fullPassBands, fullStride: faceFullStride ?? 1)
        search = ChangeDrivenSearch(
            isEnabled: anonymizer.video.searchesChangedRegionsOnly,
            fullSearchIntervalFrames: Int(
                (anonymizer.video.fullSearchIntervalSeconds * VideoSettings.planningRate(framesPerSecond)).rounded()))
    }

    func run() {
        defer {
            statistics.searchedAreaFraction = search.searchedAreaFraction
            link.planned.close()
        }
        if let givenPlans {
            while let decoded = link.decoded.pop() {
                guard !link.isStopping() else { return }
                guard let frame = decoded.frame else {
                    let reason = "internal error: a frame to render was skipped"
                    return link.fail(.frame(index: decoded.index, reason: reason))
                }
                let plan = givenPlans[frame.index] ?? FramePlan(frameIndex: frame.index, boxes: [])
                guard link.planned.push((.held(frame), plan)) else { return }
            }
            return
        }
        while let decoded = link.decoded.pop() {
            guard !link.isStopping() else { return }
            guard let frame = decoded.frame else {
                guard planSkipped(index: decoded.index, pts: decoded.pts) else { return }
                guard emitReadyPlans() else { return }
                continue
            }
            waiting.append(holdsFrames ? .held(frame) : .decodedAgain(index: frame.index, pts: frame.pts))
            var whole = StageTime()
            let succeeded = whole.measure { planDetections(on: frame) }
            statistics.times["detect", default: StageTime()].add(whole)
            guard succeeded else { return }
            guard emitReadyPlans() else { return }
        }
        guard !link.isStopping() else { return }
        for index in planners.indices {
            pendingPlans[index] += planners[index].finish()
        }
        _ = emitReadyPlans()
    }

    /// Plans a frame the scout skipped as any frame without a pass (each planner predicts it);
    /// false, failing the run, when a pass was due on it: a frame the detectors need is never
    /// left undetected.
    private func planSkipped(index: Int, pts: Int64) -> Bool {
        guard !holdsFrames, !anonymizer.runsPass(onFrame: index) else {
            link.fail(
                .frame(
                    index: index,
                    reason: "internal error: the detectors' decoder skipped a frame a detection pass is due on"))
            return false
        }
        statistics.skippedFrames += 1
        waiting.append(.decodedAgain(index: index, pts: pts))
        var whole = StageTime()
        whole.measure {
            for index in planners.indices {
                pendingPlans[index] += measure("tracking") { planners[index].pushUnobserved() }
            }
        }
        statistics.times["detect", default: StageTime()].add(whole)
        return true
    }

    /// Runs `work`, adding its time to the stage's `name` entry.
    func measure<Result, Failure: Error>(_ name: String, _ work: () throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try statistics.times[name, default: StageTime()].measure(work)
    }

    /// Runs the passes due on this frame and pushes their detections to the planners; false
    /// after a failure.
    private func planDetections(on frame: VideoFrame) -> Bool {
        let passes = anonymizer.detectors.map { $0.pass(forFrame: frame.index) }
        // One shrunk copy serves every pass on this frame: the largest side any of them needs.
        let running = passes.compactMap { $0?.detector }
        let side = running.isEmpty ? nil : VideoRun.detectionSide(of: running)
        var shrunk: (image: Image, scaleX: Double, scaleY: Double)?
        for (index, entry) in anonymizer.detectors.enumerated() {
            guard let pass = passes[index] else {
                pendingPlans[index] += measure("tracking") { planners[index].pushUnobserved() }
                continue
            }
            var detections: [Detection]
            do {
                if shrunk == nil {
                    shrunk = try measure("shrink") { () throws(VideoError) in
                        try scaler(side).bgr(of: frame.picture, longestSide: side)
                    }
                }
                guard let shrunk else { return false }
                let key = ChangeDrivenSearch.PassKey(detector: index, isCoarse: pass.isCoarse)
                let tracks = planners[index].liveTrackBoxes.map {
                    $0.scaled(x: 1 / shrunk.scaleX, y: 1 / shrunk.scaleY)
                }
                let isRotating = rotation.isEnabled && entry.objectClass == .face && !pass.isCoarse
                var area = measure("change") {
                    search.area(for: key, frameIndex: frame.index, image: shrunk.image, tracks: tracks)
                }
                if isRotating, area == .everything {
                    area = rotation.area(
                        frameIndex: frame.index, imageSize: shrunk.image.size, tracks: tracks, scale: 1 / shrunk.scaleX)
                }
                // A whole-frame full pass is read in its strips (no one inference holds the
                // activations of the whole 1280 px input; docs/DECISIONS.md).
                let pieces =
                    isRotating && area == .everything && rotation.readsWholeFrameInStrips
                    ? rotation.wholeInStrips(imageSize: shrunk.image.size) : nil
                // Plate passes in strips also read around the plates found in the last
                // rotation; a change-limited area is searched as it is.
                let strips = pass.isCoarse || area != .everything ? nil : entry.stripSearch
                let followed =
                    strips == nil ? tracks : tracks + plateStrips.followed(detector: index, scale: shrunk.scaleX)
                let found = try measure(entry.objectClass.rawValue) {
                    try passDetections(
                        with: pass.detector, strips: strips, pass: key, frameIndex: frame.index, image: shrunk.image,
                        area: area, pieces: pieces, tracks: followed)
                }
                if let searched = found.searchedFraction { statistics.plateSearched.add(searched) }
                detections = found.detections.filter {
                    $0.objectClass == entry.objectClass
                }.map { $0.mapped(scaleX: shrunk.scaleX, scaleY: shrunk.scaleY) }
                if entry.objectClass == .face { rotation.record(detections.map(\.box), frameIndex: frame.index) }
                if let strips {
                    plateStrips.record(
                        detections.map(\.box), detector: index, frameIndex: frame.index,
                        keptFrames: strips.configuration.bands * entry.stride)
                }
                detections = try followPlates(detections, detector: index, isCoarse: pass.isCoarse, frame: frame)
            } catch {
                guard anonymizer.video.masksWholeFrameOnDetectionFailure else {
                    link.fail(.frame(index: frame.index, reason: "\(error)"))
                    return false
                }
                detections = [Detection(objectClass: entry.objectClass, box: frame.picture.size.bounds, score: 1)]
            }
            for detection in detections where detection.score >= anonymizer.settings.threshold {
                statistics.detections[detection.objectClass] += 1
            }
            let frameSide = max(frame.picture.size.width, frame.picture.size.height)
            let blindBelow = pass.isCoarse ? entry.coarse?.blindSide(frameSide: frameSide) : nil
            pendingPlans[index] += measure("tracking") { planners[index].push(detections, blindBelow: blindBelow) }
        }
        return true
    }

    /// One pass's detections in `image` (boxes in its pixels): in turns by `strips` when given,
    /// with the share it read, else in overlapping `pieces` of the whole frame when given, else
    /// in `area` (``ChangeDrivenSearch``).
    private func passDetections(
        with detector: any ObjectDetector, strips: PlateStripSearch?, pass: ChangeDrivenSearch.PassKey,
        frameIndex: Int, image: Image, area: ChangeMap.SearchArea, pieces: [Box]?, tracks: [Box]
    ) throws(DetectionError) -> (detections: [Detection], searchedFraction: Double?) {
        guard let strips else {
            if let pieces {
                return (
                    try search.detectInPieces(
                        with: detector, pass: pass, frameIndex: frameIndex, image: image, pieces: pieces), nil
                )
            }
            return (
                try search.detect(with: detector, pass: pass, frameIndex: frameIndex, image: image, area: area), nil
            )
        }
        let found = try strips.detect(
            with: detector, in: image, tracks: tracks, pass: plateStrips.nextPass(detector: pass.detector))
        return (found.detections, found.searchedFraction)
    }

    /// The scaler for one detection side (nil: full resolution).
    private func scaler(_ side: Int?) -> FrameScaler {
        if let scaler = scalers[side ?? 0] { return scaler }
        let scaler = FrameScaler()
        scalers[side ?? 0] = scaler
        return scaler
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
                    link.fail(.frame(index: plan.frameIndex, reason: "internal error: plan and frame out of step"))
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
            guard link.planned.push((frame, merged)) else { return false }
        }
        return true
    }
}

/// The state of the plate passes in strips (``PlateStripSearch``), per detector: how many passes
/// ran, and the plates found in the last rotation (frame pixels), read again like tracks (a
/// plate seen once has no confirmed track yet). Owned by the plan stage.
struct PlateStripRotation {
    private var passes: [Int: Int] = [:]
    private var recent: [Int: [(box: Box, frameIndex: Int)]] = [:]

    /// The number of the next pass of `detector` (0 first), counted.
    mutating func nextPass(detector: Int) -> Int {
        defer { passes[detector, default: 0] += 1 }
        return passes[detector, default: 0]
    }

    /// The recent plates of `detector`, scaled from frame pixels by `scale`.
    func followed(detector: Int, scale: Double) -> [Box] {
        (recent[detector] ?? []).map { $0.box.scaled(x: 1 / scale, y: 1 / scale) }
    }

    /// Plates a pass of `detector` found on frame `frameIndex` (frame pixels); those older than
    /// `keptFrames` are forgotten.
    mutating func record(_ plates: [Box], detector: Int, frameIndex: Int, keptFrames: Int) {
        let kept = (recent[detector] ?? []).filter { frameIndex - $0.frameIndex <= keptFrames }
        recent[detector] = kept + plates.map { ($0, frameIndex) }
    }
}
