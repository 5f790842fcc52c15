import Foundation
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTracking
import VeilVideo

/// Stage 3 of a video run: masks each planned frame (the held one, or the output decoder's
/// next), verifies it when asked, and encodes it; when only detecting, collects the plans.
///
/// `@unchecked Sendable`: run by one thread from start to end; the run reads ``statistics``
/// only after that thread has finished.
final class EncodeStage: @unchecked Sendable {
    /// What the stage counted and measured, for the run's outcome.
    struct Statistics {
        /// Plans of every frame, in order, when decoding only (detect).
        var collectedPlans: [FramePlan] = []
        var maskTime = StageTime()
        var encodeTime = StageTime()
        var framesWritten = 0
        var framesWithMasks = 0
        var boxesBySource: [String: Int] = [:]
        var trackIDs: [ObjectClass: Set<String>] = [:]
        var findings: [VideoOutcome.Finding] = []
        var remasked = 0
        var excludedBoxes = 0
        var framesWithManualRegions = 0
    }

    let anonymizer: VideoAnonymizer
    private let media: VideoRun.Media
    private let link: StageLink
    /// Whether the detectors read from a second decoder (frames are decoded again here).
    private let isScouted: Bool
    /// Masks drawn as given on each frame (a compiled review's manual regions), besides
    /// `settings.userRegions`; never margined, never excluded.
    private let givenMasks: [Int: [MaskRegion]]
    private let progress: @Sendable (VideoProgress) -> Void
    /// The longest side the full passes look at (verification uses it too); nil: full resolution.
    private let detectionSide: Int?
    /// The secret behind each track's mask noise: drawn per run from the system's
    /// cryptographic source, never written anywhere.
    private let noiseSecret = UInt64.random(in: .min ... .max)
    /// Shrinks masked frames for verification.
    private let verifyScaler = FrameScaler()
    private let startedAt = DispatchTime.now().uptimeNanoseconds
    private var lastProgress = DispatchTime.now().uptimeNanoseconds
    /// Frames per second and time left for progress reports.
    private var throughput = ThroughputEstimator()
    /// Each track's last detected box and landmarks, to place landmarks on frames between
    /// detections (the surrogate face keeps its roll and gaze instead of jumping).
    private var lastLandmarks: [TrackID: (box: Box, landmarks: [Point])] = [:]
    private(set) var statistics = Statistics()

    init(
        anonymizer: VideoAnonymizer, media: VideoRun.Media, link: StageLink, isScouted: Bool,
        givenMasks: [Int: [MaskRegion]], progress: @escaping @Sendable (VideoProgress) -> Void
    ) {
        self.anonymizer = anonymizer
        self.media = media
        self.link = link
        self.isScouted = isScouted
        self.givenMasks = givenMasks
        self.progress = progress
        detectionSide = VideoRun.detectionSide(of: anonymizer.detectors.map(\.detector))
    }

    /// The frame to mask: the one held through the look-ahead, or the output decoder's next
    /// frame, checked against what the detectors' decoder saw. Nil after a failure.
    private func outputFrame(for entry: VideoRun.PlannedFrame) -> VideoFrame? {
        switch entry {
        case .held(let frame):
            return frame
        case .decodedAgain(let index, let pts):
            let frame: VideoFrame?
            do {
                frame = try media.nextFrame()
            } catch {
                link.fail(.video(error))
                return nil
            }
            guard let frame, frame.index == index, frame.pts == pts else {
                let seen = frame.map { "frame \($0.index) at pts \($0.pts)" } ?? "the end of the video"
                link.fail(
                    .frame(
                        index: index,
                        reason: "the second decoding of the input gave \(seen) where the first gave pts \(pts); "
                            + "is the file changing while it is read?"))
                return nil
            }
            return frame
        }
    }

    func run() {
        let settings = anonymizer.settings
        while let (entry, givenPlan) = link.planned.pop() {
            guard !link.isStopping() else { return }
            // `consume`: a second reference to the held frame kept alive beside `frame` would
            // make the first masked pixel copy the whole frame (copy-on-write).
            guard var frame = outputFrame(for: consume entry) else { return }
            if media.transcoder == nil {
                // Detect only: keep the plan, write nothing.
                statistics.collectedPlans.append(givenPlan)
                record(givenPlan, regionCount: givenPlan.boxes.count)
                statistics.framesWritten += 1
                reportProgress()
                continue
            }
            var plan = givenPlan
            let excludedTracks = settings.excludedTrackIDs
            if !excludedTracks.isEmpty {
                let before = plan.boxes.count
                plan.boxes.removeAll { box in box.trackID.map { excludedTracks.contains($0.rawValue) } ?? false }
                statistics.excludedBoxes += before - plan.boxes.count
            }
            let maskStarted = (wall: DispatchTime.now().uptimeNanoseconds, cpu: ThreadClock.nanoseconds)
            let planned = plan.boxes.map { box in
                Detection(
                    objectClass: box.objectClass, box: box.box, score: box.score ?? 1,
                    landmarks: landmarksCarriedForward(for: box))
            }
            let time = frame.timestamp
            let (detections, excluded) = settings.userRegions.applyingExclusions(to: planned, at: time)
            statistics.excludedBoxes += excluded
            let manual = settings.userRegions.masks(at: time) + (givenMasks[frame.index] ?? [])
            if !manual.isEmpty { statistics.framesWithManualRegions += 1 }
            // Each track keeps its noise from frame to frame (see Masker.apply(_:to:noiseKeys:)).
            let tracks = Dictionary(plan.boxes.compactMap { box in box.trackID.map { (box.box, $0) } }) { first, _ in
                first
            }
            var regions: [MaskRegion] = []
            var noiseKeys: [UInt64?] = []
            for detection in detections {
                for region in settings.planner.regions(for: [detection], in: frame.picture.size) {
                    regions.append(region)
                    noiseKeys.append(
                        tracks[detection.box].map {
                            KeyedNoise.key(secret: noiseSecret, member: UInt64(bitPattern: Int64($0.rawValue)))
                        })
                }
            }
            regions += manual
            do {
                try settings.masker.apply(regions, to: &frame.picture, noiseKeys: noiseKeys)
                if anonymizer.video.verifies { try verify(&frame) }
            } catch let error as PipelineError {
                return link.fail(error)
            } catch let error as MaskingError {
                return link.fail(.frame(index: frame.index, reason: error.description))
            } catch {
                return link.fail(.frame(index: frame.index, reason: "\(error)"))
            }
            statistics.maskTime.wallNanoseconds += DispatchTime.now().uptimeNanoseconds - maskStarted.wall
            statistics.maskTime.cpuNanoseconds += ThreadClock.nanoseconds &- maskStarted.cpu
            record(plan, regionCount: regions.count)
            do {
                try statistics.encodeTime.measure { () throws(VideoError) in try media.transcoder?.write(frame) }
            } catch {
                return link.fail(.video(error))
            }
            statistics.framesWritten += 1
            reportProgress()
        }
        if isScouted, !link.isStopping() { drainOutputDecoder() }
    }

    /// After the last planned frame, reads the output's decoder to its end, so the audio after
    /// the last picture is copied too; a frame the detectors' decoder never saw is an error.
    private func drainOutputDecoder() {
        do {
            if let extra = try media.nextFrame() {
                link.fail(
                    .frame(
                        index: extra.index,
                        reason: "the second decoding of the input gave a frame the first did not; "
                            + "is the file changing while it is read?"))
            }
        } catch {
            link.fail(.video(error))
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
        do {
            let shrunk = try verifyScaler.bgr(of: frame.picture, longestSide: detectionSide)
            for entry in anonymizer.detectors {
                found += try entry.detector.detect(in: shrunk.image).filter {
                    $0.score >= threshold && anonymizer.settings.targets.contains($0.objectClass)
                }.map { $0.mapped(scaleX: shrunk.scaleX, scaleY: shrunk.scaleY) }
            }
        } catch {
            throw PipelineError.frame(index: frame.index, reason: "verification: \(error)")
        }
        guard !found.isEmpty else { return }
        statistics.findings += found.map {
            VideoOutcome.Finding(frame: frame.index, objectClass: $0.objectClass, score: $0.score)
        }
        if anonymizer.video.remasksVerifiedFindings {
            let fill = Masker(style: .fill, settings: anonymizer.settings.masker.settings)
            try fill.apply(anonymizer.settings.planner.regions(for: found, in: frame.picture.size), to: &frame.picture)
            statistics.remasked += found.count
        }
    }

    private func record(_ plan: FramePlan, regionCount: Int) {
        if regionCount > 0 { statistics.framesWithMasks += 1 }
        for box in plan.boxes {
            statistics.boxesBySource["\(box.source)", default: 0] += 1
            if let id = box.trackID { statistics.trackIDs[box.objectClass, default: []].insert("\(id)") }
        }
    }

    private func reportProgress() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastProgress > 250_000_000 else { return }
        lastProgress = now
        let elapsed = Double(now - startedAt) / 1e9
        throughput.record(count: statistics.framesWritten, at: elapsed)
        let total = media.info.frameCountEstimate
        progress(
            VideoProgress(
                framesDone: statistics.framesWritten,
                framesTotal: total,
                framesPerSecond: throughput.rate ?? Double(statistics.framesWritten) / max(elapsed, 1e-3),
                etaSeconds: throughput.secondsLeft(total: total)
            )
        )
    }
}
