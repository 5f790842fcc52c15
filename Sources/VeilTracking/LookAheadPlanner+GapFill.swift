import VeilGeometry

extension LookAheadPlanner {
    /// Places one tracked object in the newest frame and fills the gaps its detection closes.
    mutating func place(_ object: TrackedObject, inFrame frameIndex: Int) {
        guard let detection = object.detection else {
            // Lost: follow the prediction, grown with the uncertainty of every lost frame.
            let growth = min(
                configuration.lostBoxGrowthPerFrame * Double(object.framesSinceDetection),
                configuration.maximumLostBoxGrowth
            )
            setBox(object.box.expanded(byFraction: growth), of: object, inFrame: frameIndex, source: .predicted)
            return
        }
        setBox(
            detection.box, of: object, inFrame: frameIndex, source: .detected, score: detection.score,
            landmarks: detection.landmarks)
        let sighting = TrackHistory.Sighting(frameIndex: frameIndex, box: detection.box)
        guard var history = histories[object.id] else {
            var history = TrackHistory(first: sighting)
            if object.isConfirmed {
                history.isConfirmed = true
                fillBackwards(object, history: history)
            } else {
                holdOverUnseenFrames(object, first: sighting)
            }
            histories[object.id] = history
            return
        }
        interpolate(object, from: history.latest, to: sighting)
        history.latest = sighting
        history.isConfirmed = history.isConfirmed || object.isConfirmed
        if history.isConfirmed {
            // Refilled at every detection: a longer baseline gives a steadier velocity.
            fillBackwards(object, history: history)
        }
        histories[object.id] = history
    }

    /// Replaces the track's boxes strictly between two of its detections, in frames still
    /// waiting, by linear interpolation.
    private mutating func interpolate(
        _ object: TrackedObject,
        from start: TrackHistory.Sighting,
        to end: TrackHistory.Sighting
    ) {
        let span = end.frameIndex - start.frameIndex
        guard span > 1, let oldest = oldestPendingFrameIndex else { return }
        for frameIndex in max(start.frameIndex + 1, oldest)..<end.frameIndex {
            let fraction = Double(frameIndex - start.frameIndex) / Double(span)
            let box = start.box.interpolated(to: end.box, fraction: fraction)
            setBox(box, of: object, inFrame: frameIndex, source: .filled)
        }
    }

    /// Covers the waiting frames before a confirmed track's first detection, up to the
    /// backward-fill limit.
    private mutating func fillBackwards(_ object: TrackedObject, history: TrackHistory) {
        guard let oldest = oldestPendingFrameIndex else { return }
        let first = history.first
        let start = max(first.frameIndex - configuration.backwardFillFrames, oldest)
        guard start < first.frameIndex else { return }
        let baseline = history.latest.frameIndex - first.frameIndex
        for frameIndex in start..<first.frameIndex {
            var box = first.box
            if configuration.backwardFill == .holdAndExtrapolate, baseline > 0 {
                let fraction = Double(frameIndex - first.frameIndex) / Double(baseline)
                box = box.union(first.box.interpolated(to: history.latest.box, fraction: fraction))
            }
            setBox(box, of: object, inFrame: frameIndex, source: .filled)
        }
    }

    /// Holds a new track's first box over the waiting frames just before it on which no pass
    /// could have seen an object its size: it may have been there all along.
    private mutating func holdOverUnseenFrames(_ object: TrackedObject, first: TrackHistory.Sighting) {
        guard let firstIndex = frames.first?.index else { return }
        let side = min(first.box.width, first.box.height)
        var frameIndex = first.frameIndex - 1
        while frameIndex >= first.frameIndex - configuration.backwardFillFrames,
            frameIndex - firstIndex >= plannedFrameCount,
            frames[frameIndex - firstIndex].smallestVisibleSide > side
        {
            setBox(first.box, of: object, inFrame: frameIndex, source: .filled)
            frameIndex -= 1
        }
    }

    /// The index of the oldest frame still waiting for its plan, if any.
    private var oldestPendingFrameIndex: Int? {
        plannedFrameCount < frames.count ? frames[plannedFrameCount].index : nil
    }

    /// Sets a track's box in a waiting frame; a detected box is never overwritten by a guess,
    /// and planned frames are never changed.
    private mutating func setBox(
        _ box: Box,
        of object: TrackedObject,
        inFrame frameIndex: Int,
        source: BoxSource,
        score: Double? = nil,
        landmarks: [Point] = []
    ) {
        guard let firstIndex = frames.first?.index else { return }
        let position = frameIndex - firstIndex
        guard position >= plannedFrameCount, position < frames.count else { return }
        if source != .detected, frames[position].trackBoxes[object.id]?.source == .detected { return }
        frames[position].trackBoxes[object.id] = PendingFrame.TrackBox(
            objectClass: object.objectClass,
            box: box,
            source: source,
            score: score,
            landmarks: landmarks
        )
    }
}
