public import VeilGeometry

/// Turns per-frame detections into final per-frame mask plans, holding a bounded window of
/// frames so that later frames can fill gaps in earlier ones.
///
/// Push each frame's detections in order; a frame's plan comes out once
/// ``LookAheadConfiguration/lookAheadFrames`` later frames have been pushed, and ``finish()``
/// flushes the rest. Exactly one plan comes out per pushed frame, in push order. Memory is
/// bounded by the window and the number of live tracks, whatever the length of the video.
///
/// The planner runs a ``Tracker`` and prefers masking too much to masking too little:
/// - every detection scoring at least the tracker's high threshold is masked on its frame,
///   even on a track that never confirms, and so is every unclaimed detection scoring at least
///   ``LookAheadConfiguration/minimumStandaloneScore``;
/// - a track confirmed late is filled backwards over the frames it was missed in (see
///   ``BackwardFillStyle``); a new track, confirmed or not, holds its first box over the
///   frames just before it on which no pass could have seen it (skipped by the stride, or
///   coarse passes blind to its size);
/// - a miss between two detections of a track is filled by linear interpolation, replacing
///   the Kalman prediction the frames had while the track was lost;
/// - a lost track that does not come back keeps a mask on its (growing) prediction until it
///   expires;
/// - boxes are averaged over neighbouring frames against jitter, then grown to contain the
///   frame's own box, so smoothing never uncovers a detection.
///
/// ```swift
/// var planner = LookAheadPlanner()
/// for detections in detectionsPerFrame {
///     for plan in planner.push(detections) { mask(frameAt: plan.frameIndex, with: plan.boxes) }
/// }
/// for plan in planner.finish() { mask(frameAt: plan.frameIndex, with: plan.boxes) }
/// ```
public struct LookAheadPlanner: Sendable {
    /// Window, fill and tracker settings.
    public let configuration: LookAheadConfiguration
    var tracker: Tracker
    /// Frames already planned (kept as smoothing context, at most the smoothing radius), then
    /// the frames waiting for their plan.
    var frames: [PendingFrame] = []
    /// How many of `frames`, from the front, have been planned already.
    var plannedFrameCount = 0
    /// Gap-filling memory for each live track.
    var histories: [TrackID: TrackHistory] = [:]
    private var nextFrameIndex = 0

    /// A planner with an empty window.
    ///
    /// - Precondition: `configuration` passes ``LookAheadConfiguration/validate()``.
    public init(configuration: LookAheadConfiguration = LookAheadConfiguration()) {
        precondition((try? configuration.validate()) != nil, "invalid LookAheadConfiguration; call validate() first")
        self.configuration = configuration
        self.tracker = Tracker(configuration: configuration.tracker)
    }

    /// How many pushed frames are waiting for their plan: never more than
    /// ``LookAheadConfiguration/lookAheadFrames`` between calls.
    public var pendingFrameCount: Int { frames.count - plannedFrameCount }

    /// How many frames the planner holds, waiting or kept for smoothing: never more than
    /// ``maximumRetainedFrameCount`` between calls.
    public var retainedFrameCount: Int { frames.count }

    /// The bound on ``retainedFrameCount``: the look-ahead plus the smoothing radius.
    public var maximumRetainedFrameCount: Int { configuration.lookAheadFrames + configuration.smoothingRadius }

    /// How many tracks the planner remembers for gap filling: the tracker's live tracks.
    public var rememberedTrackCount: Int { histories.count }

    /// Where the tracker's live tracks are on the last pushed frame (see ``Tracker/liveTrackBoxes``).
    public var liveTrackBoxes: [Box] { tracker.liveTrackBoxes }

    /// Adds the next frame's detections and returns the plans that became final: none while
    /// the window fills, then one per call.
    ///
    /// - Complexity: O(*t* × (*d* + *w*) + *d* log *d*) for *t* live tracks, *d* detections and
    ///   a window of *w* frames.
    ///
    /// A coarse pass that cannot see objects whose shorter side is below `blindBelow` pixels
    /// passes it: tracks that small are carried, not counted as missed (see
    /// ``Tracker/update(detections:blindBelow:)``).
    public mutating func push(_ detections: [Detection], blindBelow: Double? = nil) -> [FramePlan] {
        push(observed: detections, smallestVisibleSide: blindBelow ?? 0)
    }

    /// Adds a frame on which the detector did not run (detection stride): every live track is
    /// placed at its prediction, and later detections interpolate over it.
    public mutating func pushUnobserved() -> [FramePlan] {
        push(observed: nil, smallestVisibleSide: .infinity)
    }

    private mutating func push(observed: [Detection]?, smallestVisibleSide: Double) -> [FramePlan] {
        let detections = observed ?? []
        let frameIndex = nextFrameIndex
        nextFrameIndex += 1
        var pending = PendingFrame(index: frameIndex)
        pending.smallestVisibleSide = smallestVisibleSide
        frames.append(pending)

        // Track, then place every live track's box in this frame and fill its gaps.
        let blindBelow = smallestVisibleSide > 0 ? smallestVisibleSide : nil
        let objects =
            observed == nil
            ? tracker.predictWithoutObservation() : tracker.update(detections: detections, blindBelow: blindBelow)
        for object in objects {
            place(object, inFrame: frameIndex)
        }

        // Mask strong enough detections that no track claimed, on this frame only.
        let claimed = Set(objects.compactMap(\.detectionIndex))
        for (index, detection) in detections.enumerated()
        where !claimed.contains(index) && detection.score >= configuration.minimumStandaloneScore {
            frames[frames.count - 1].standaloneBoxes.append(
                PlannedBox(
                    trackID: nil, objectClass: detection.objectClass, box: detection.box, source: .detected,
                    score: detection.score, landmarks: detection.landmarks)
            )
        }

        // Forget tracks the tracker dropped; their boxes stay in the frames already placed.
        let live = Set(objects.map(\.id))
        histories = histories.filter { live.contains($0.key) }

        var plans: [FramePlan] = []
        while pendingFrameCount > configuration.lookAheadFrames {
            plans.append(planOldestPendingFrame())
        }
        return plans
    }

    /// Returns the plans of every frame still waiting, at the end of the stream.
    ///
    /// Later frames see no more look-ahead. Pushing after `finish()` continues the stream
    /// (frame indices keep counting).
    public mutating func finish() -> [FramePlan] {
        var plans: [FramePlan] = []
        while pendingFrameCount > 0 {
            plans.append(planOldestPendingFrame())
        }
        return plans
    }

    /// Plans the oldest waiting frame and drops context no later plan needs.
    private mutating func planOldestPendingFrame() -> FramePlan {
        let plan = smoothedPlan(forFrameAt: plannedFrameCount)
        plannedFrameCount += 1
        while plannedFrameCount > configuration.smoothingRadius {
            frames.removeFirst()
            plannedFrameCount -= 1
        }
        return plan
    }

    /// The plan of `frames[position]`: each track's box averaged with its boxes up to the
    /// smoothing radius away, then grown to contain the frame's own box.
    private func smoothedPlan(forFrameAt position: Int) -> FramePlan {
        let frame = frames[position]
        let radius = configuration.smoothingRadius
        let neighbourhood = max(0, position - radius)...min(frames.count - 1, position + radius)
        var boxes: [PlannedBox] = []
        for (id, trackBox) in frame.trackBoxes.sorted(by: { $0.key < $1.key }) {
            let neighbours = neighbourhood.compactMap { frames[$0].trackBoxes[id]?.box }
            let smoothed = Box.mean(of: neighbours) ?? trackBox.box
            boxes.append(
                PlannedBox(
                    trackID: id,
                    objectClass: trackBox.objectClass,
                    box: smoothed.union(trackBox.box),
                    source: trackBox.source,
                    score: trackBox.score,
                    landmarks: trackBox.landmarks
                )
            )
        }
        return FramePlan(frameIndex: frame.index, boxes: boxes + frame.standaloneBoxes)
    }
}
