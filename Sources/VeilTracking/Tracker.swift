public import VeilGeometry

/// A ByteTrack-style multi-object tracker: a value-type state machine that takes each frame's
/// detections and returns the live tracks.
///
/// Scripted boxes in, tracks out: no models, no video, no clocks. Copying a tracker copies
/// its whole state, including the ID counter, so IDs are local to one tracker value.
///
/// ```swift
/// var tracker = Tracker()
/// for detections in detectionsPerFrame {
///     for object in tracker.update(detections: detections) where object.isConfirmed {
///         print(object.id, object.state, object.box)
///     }
/// }
/// ```
public struct Tracker: Sendable {
    /// Thresholds and buffers.
    public let configuration: TrackerConfiguration
    /// Live tracks (tentative, tracked and lost), in the order they started.
    private var tracks: [Track] = []
    private var nextID = 1
    /// How many frames ``update(detections:blindBelow:)`` has seen.
    public private(set) var frameCount = 0

    /// A tracker with no tracks.
    ///
    /// - Precondition: `configuration` passes ``TrackerConfiguration/validate()``.
    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        precondition((try? configuration.validate()) != nil, "invalid TrackerConfiguration; call validate() first")
        self.configuration = configuration
    }

    /// How many tracks are alive (tentative, tracked or lost).
    public var liveTrackCount: Int { tracks.count }

    /// Where every live track (tentative, tracked or lost) is on the last frame: its
    /// detection, or its prediction when it missed. Change-driven detection searches around these.
    public var liveTrackBoxes: [Box] { tracks.map(\.reportedBox) }

    /// Advances one frame: matches `detections` to the tracks and returns every live track.
    ///
    /// The result holds, ordered by ID: tracks matched in this frame (``TrackState/tentative``
    /// or ``TrackState/tracked``, with their detection) and confirmed tracks that missed it
    /// (``TrackState/lost``, at their Kalman prediction). Every detection scoring at least
    /// ``TrackerConfiguration/highThreshold`` is in the result, on an existing track or on a
    /// new tentative one. Low-score detections appear only when they continue a track.
    ///
    /// A pass that cannot see small objects (a coarse, low-resolution detection between
    /// full-resolution ones) passes `blindBelow`: a track whose predicted box has a shorter
    /// side below it, and that no detection matched, was not looked for rather than missed. It
    /// keeps its state (a tentative track is not dropped, a tracked one does not become lost)
    /// and follows its prediction, as on a frame without detection.
    ///
    /// - Complexity: O(*t* × *d* × log(*t* × *d*)) for *t* live tracks and *d* detections.
    public mutating func update(detections: [Detection], blindBelow: Double? = nil) -> [TrackedObject] {
        // 1. Predict every live track one frame ahead; lost tracks stop changing size.
        predictAll()

        // 2. Split the detections by score; those below the low threshold are ignored.
        let high = detections.indices.filter { detections[$0].score >= configuration.highThreshold }
        let low = detections.indices.filter {
            detections[$0].score >= configuration.lowThreshold && detections[$0].score < configuration.highThreshold
        }

        // 3. First association: confirmed tracks (tracked and lost) with high-score detections.
        let confirmed = tracks.indices.filter { tracks[$0].state != .tentative }
        let first = associate(
            trackIndices: confirmed,
            detectionIndices: high,
            in: detections,
            minimumIoU: configuration.highMatchMinimumIoU
        )

        // 4. Second association: tracks that were tracked until now with low-score detections,
        //    so a face whose score sags (turning, blurring) keeps its track. Tracks still
        //    unmatched become lost.
        let stillTracked = first.unmatchedTracks.filter { tracks[$0].state == .tracked }
        let second = associate(
            trackIndices: stillTracked,
            detectionIndices: low,
            in: detections,
            minimumIoU: configuration.lowMatchMinimumIoU
        )
        for index in second.unmatchedTracks where !isTooSmall(index, toSeeBelow: blindBelow) {
            tracks[index].state = .lost
        }

        // 5. Tentative tracks with the high-score detections left over; a tentative track that
        //    misses is dropped (its detections were still reported, so they are masked).
        let tentative = tracks.indices.filter { tracks[$0].state == .tentative }
        let third = associate(
            trackIndices: tentative,
            detectionIndices: first.unmatchedDetections,
            in: detections,
            minimumIoU: configuration.tentativeMatchMinimumIoU
        )
        let droppedTentative = Set(
            third.unmatchedTracks.filter { !isTooSmall($0, toSeeBelow: blindBelow) }.map { tracks[$0].id }
        )

        // 6. Start a new track from every high-score detection still unmatched, moving like
        //    the tracks around it (a camera pan moves every face alike).
        let shared = third.unmatchedDetections.isEmpty ? Point(x: 0, y: 0) : sharedVelocity()
        for detectionIndex in third.unmatchedDetections {
            startTrack(from: detections[detectionIndex], at: detectionIndex, velocity: shared)
        }

        // 7. Expire dropped tentative tracks and lost tracks past their time.
        tracks.removeAll { track in
            droppedTentative.contains(track.id)
                || (track.state == .lost && track.framesSinceDetection > configuration.maxLostFrames)
        }

        // 8. Report the live tracks.
        return tracks.map(\.report)
    }

    /// Advances one frame on which the detector did not run (detection stride): every live
    /// track, tentative ones included, moves to its prediction; nothing counts as a miss, so no
    /// track is dropped or lost for lack of a detection nobody looked for. Lost tracks still
    /// expire on time.
    public mutating func predictWithoutObservation() -> [TrackedObject] {
        predictAll()
        tracks.removeAll { $0.state == .lost && $0.framesSinceDetection > configuration.maxLostFrames }
        return tracks.map(\.report)
    }

    /// Whether a track's predicted box is too small for a pass that is blind below `side`.
    private func isTooSmall(_ index: Int, toSeeBelow side: Double?) -> Bool {
        guard let side else { return false }
        let box = tracks[index].motion.box
        return min(box.width, box.height) < side
    }

    /// Counts a frame and moves every live track to its prediction, clearing last frame's
    /// detection; lost tracks stop changing size.
    private mutating func predictAll() {
        frameCount += 1
        let filter = configuration.motionModel
        for index in tracks.indices {
            tracks[index].detection = nil
            tracks[index].detectionIndex = nil
            tracks[index].framesSinceDetection += 1
            if tracks[index].state == .lost {
                tracks[index].motion.freezeSize()
            }
            filter.predict(&tracks[index].motion)
        }
    }

    /// Matches the given tracks to the given detections, updates the matched tracks, and
    /// returns the unmatched ones of both as positions in `tracks` and `detections`.
    private mutating func associate(
        trackIndices: [Int],
        detectionIndices: [Int],
        in detections: [Detection],
        minimumIoU: Double
    ) -> (unmatchedTracks: [Int], unmatchedDetections: [Int]) {
        let matching = IoUMatching(
            tracks: trackIndices.map { (tracks[$0].objectClass, tracks[$0].motion.box) },
            detections: detectionIndices.map { (detections[$0].objectClass, detections[$0].box) },
            minimumIoU: minimumIoU
        )
        for pair in matching.pairs {
            let detectionIndex = detectionIndices[pair.detection]
            record(detections[detectionIndex], at: detectionIndex, on: trackIndices[pair.track])
        }
        return (
            matching.unmatchedTracks.map { trackIndices[$0] },
            matching.unmatchedDetections.map { detectionIndices[$0] }
        )
    }

    /// Folds a matched detection into a track and confirms or re-finds it.
    private mutating func record(_ detection: Detection, at detectionIndex: Int, on trackIndex: Int) {
        configuration.motionModel.correct(&tracks[trackIndex].motion, with: detection.box)
        tracks[trackIndex].hits += 1
        tracks[trackIndex].framesSinceDetection = 0
        tracks[trackIndex].detection = detection
        tracks[trackIndex].detectionIndex = detectionIndex
        if tracks[trackIndex].state == .lost || tracks[trackIndex].hits >= configuration.confirmationHits {
            tracks[trackIndex].state = .tracked
        }
    }

    /// The median centre velocity of the confirmed tracks matched in this frame, when there
    /// are at least ``TrackerConfiguration/minimumTracksForSharedMotion`` of them; else zero.
    private func sharedVelocity() -> Point {
        let moving = tracks.filter { $0.state == .tracked && $0.detection != nil }.map(\.motion.centerVelocity)
        guard configuration.minimumTracksForSharedMotion > 0,
            moving.count >= configuration.minimumTracksForSharedMotion
        else { return Point(x: 0, y: 0) }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
        return Point(x: median(moving.map(\.x)), y: median(moving.map(\.y)))
    }

    private mutating func startTrack(from detection: Detection, at detectionIndex: Int, velocity: Point) {
        var motion = configuration.motionModel.initialState(for: detection.box)
        motion.centerX.velocity = velocity.x
        motion.centerY.velocity = velocity.y
        let track = Track(
            id: TrackID(nextID),
            objectClass: detection.objectClass,
            motion: motion,
            state: configuration.confirmationHits <= 1 ? .tracked : .tentative,
            hits: 1,
            framesSinceDetection: 0,
            detection: detection,
            detectionIndex: detectionIndex
        )
        nextID += 1
        tracks.append(track)
    }
}
