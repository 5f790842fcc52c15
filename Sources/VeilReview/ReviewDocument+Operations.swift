import VeilGeometry
import VeilPipeline
import VeilTracking

extension ReviewDocument {
    /// Applies `operation` to `self` and returns its inverse. Callers apply to a copy (see
    /// ``apply(_:)``), so a throw part-way leaves the original untouched.
    mutating func applyInPlace(_ operation: EditOperation) throws(ReviewError) -> EditOperation {
        switch operation {
        case .mask(let track):
            return try setVisibility(of: track, reason: nil)
        case .keepVisible(let track, let reason):
            try Self.checkReason(reason, for: "keeping track \(track) visible")
            return try setVisibility(of: track, reason: reason)
        case .split(let track, let frame, let newTrack):
            return try split(track, at: frame, into: newTrack)
        case .merge(let track, let into):
            return try merge(track, into: into)
        case .deleteBoxes(let track, let frame, let toward):
            return try deleteBoxes(of: track, from: frame, toward: toward)
        case .moveBox(let track, let frame, let box):
            return try moveBox(of: track, on: frame, to: box)
        case .addRegion(let region):
            try region.validate(frames: frames)
            guard !regions.contains(where: { $0.id == region.id }) else { throw .regionExists(region.id) }
            setRegion(region)
            return .removeRegion(id: region.id)
        case .updateRegion(let region):
            let old = try self.region(region.id)
            try region.validate(frames: frames)
            setRegion(region)
            return .updateRegion(old)
        case .setRegionKeyframe(let id, let frame, let box):
            let old = try region(id)
            try Self.checkFrame(frame, frames: frames)
            try BoxInterpolation.check(box)
            var region = old
            region.keyframes.removeAll { $0.frame == frame }
            region.keyframes.append(ManualRegion.Keyframe(frame: frame, box: box))
            region.keyframes.sort { $0.frame < $1.frame }
            try region.validate(frames: frames)
            setRegion(region)
            return .updateRegion(old)
        case .removeRegion(let id):
            let old = try region(id)
            regions.removeAll { $0.id == id }
            return .addRegion(old)
        case .setTrackReviewed(let track, let isReviewed):
            guard let previous = states[track]?.isReviewed else { throw .noSuchTrack(track) }
            states[track]?.isReviewed = isReviewed
            return .setTrackReviewed(track: track, isReviewed: previous)
        case .setVideoReviewed(let isReviewed):
            let previous = isVideoReviewed
            isVideoReviewed = isReviewed
            return .setVideoReviewed(previous)
        case .restoreTracks(let remove, let tracks):
            guard Set(remove).count == remove.count else {
                throw .malformedEntry("restoreTracks removes a track twice")
            }
            var removed: [TrackSnapshot] = []
            for id in remove {
                removed.append(try snapshot(id))
                try self.remove(id)
            }
            for snapshot in tracks { try insert(snapshot) }
            return .restoreTracks(
                remove: tracks.map(\.track.id).sorted(), tracks: removed.sorted { $0.track.id < $1.track.id })
        case .allowUnreviewedExport(let tracks):
            guard tracks == unreviewedTrackIDs else {
                throw .malformedEntry(
                    "the export override names track(s) \(tracks.map(String.init).joined(separator: ", ")), "
                        + "but the unreviewed ones are \(unreviewedTrackIDs.map(String.init).joined(separator: ", "))")
            }
            return operation
        }
    }

    func region(_ id: Int) throws(ReviewError) -> ManualRegion {
        guard let region = regions.first(where: { $0.id == id }) else { throw .noSuchRegion(id) }
        return region
    }

    private mutating func setVisibility(of track: Int, reason: String?) throws(ReviewError) -> EditOperation {
        guard let state = states[track] else { throw .noSuchTrack(track) }
        let previous = state.visibleReason
        states[track]?.visibleReason = reason
        return previous.map { .keepVisible(track: track, reason: $0) } ?? .mask(track: track)
    }

    /// Invariant: the two parts' frames partition the original's, the earlier part keeps the ID.
    private mutating func split(_ id: Int, at frame: Int, into newID: Int) throws(ReviewError) -> EditOperation {
        try Self.checkFrame(frame, frames: frames)
        try Self.checkIdentifier(newID)
        let old = try snapshot(id)
        guard states[newID] == nil else { throw .trackExists(newID) }
        let before = old.track.boxes.filter { $0.frame < frame }
        let after = old.track.boxes.filter { $0.frame >= frame }
        guard !before.isEmpty, !after.isEmpty else { throw .splitLeavesEmptyTrack(track: id, frame: frame) }
        var first = old
        first.track.boxes = before
        first.state.correctedFrames = old.state.correctedFrames.filter { $0 < frame }
        var second = old
        second.track.id = newID
        second.track.boxes = after
        second.state.correctedFrames = old.state.correctedFrames.filter { $0 >= frame }
        try remove(id)
        try insert(first)
        try insert(second)
        return .restoreTracks(remove: [id, newID].sorted(), tracks: [old])
    }

    /// Refuses overlapping frames: which box to keep is the reviewer's call (delete one side
    /// first). Visible only if both were, reviewed only if both were.
    private mutating func merge(_ id: Int, into target: Int) throws(ReviewError) -> EditOperation {
        guard id != target else { throw .mergeWithItself(id) }
        let source = try snapshot(id)
        let destination = try snapshot(target)
        guard source.track.objectClass == destination.track.objectClass else {
            throw .classMismatch(track: id, into: target)
        }
        let overlap = Set(source.track.boxes.map(\.frame)).intersection(destination.track.boxes.map(\.frame))
        guard overlap.isEmpty else { throw .overlappingFrames(track: id, into: target, frames: overlap.sorted()) }
        var merged = destination
        merged.track.boxes = (destination.track.boxes + source.track.boxes).sorted { $0.frame < $1.frame }
        merged.state.correctedFrames = (destination.state.correctedFrames + source.state.correctedFrames).sorted()
        merged.state.isReviewed = source.state.isReviewed && destination.state.isReviewed
        if !source.state.isVisible { merged.state.visibleReason = nil }
        try remove(id)
        try remove(target)
        try insert(merged)
        return .restoreTracks(remove: [target], tracks: [source, destination].sorted { $0.track.id < $1.track.id })
    }

    private mutating func deleteBoxes(
        of id: Int, from frame: Int, toward direction: EditOperation.Direction
    ) throws(ReviewError) -> EditOperation {
        try Self.checkFrame(frame, frames: frames)
        let old = try snapshot(id)
        let keeps: (Int) -> Bool = direction == .start ? { $0 > frame } : { $0 < frame }
        var kept = old
        kept.track.boxes = old.track.boxes.filter { keeps($0.frame) }
        guard kept.track.boxes.count < old.track.boxes.count else { throw .nothingToDelete(track: id, frame: frame) }
        kept.state.correctedFrames = old.state.correctedFrames.filter(keeps)
        try remove(id)
        guard !kept.track.boxes.isEmpty else { return .restoreTracks(remove: [], tracks: [old]) }
        try insert(kept)
        return .restoreTracks(remove: [id], tracks: [old])
    }

    /// Sets one box and spreads the change: weight 1 on the frame, falling linearly to 0 at the
    /// previous and next keyframes (detections and corrections); 1 before the first and after
    /// the last keyframe. Landmarks move with their box.
    private mutating func moveBox(of id: Int, on frame: Int, to box: Box) throws(ReviewError) -> EditOperation {
        try Self.checkFrame(frame, frames: frames)
        try BoxInterpolation.check(box)
        let old = try snapshot(id)
        var edited = old
        if let position = old.track.boxes.firstIndex(where: { $0.frame == frame }) {
            let original = old.track.boxes[position].box
            let spreads = (try? BoxInterpolation.check(original)) != nil
            let corrected = Set(old.state.correctedFrames)
            let keyframes = old.track.boxes.filter {
                $0.frame != frame && ($0.source == .detected || corrected.contains($0.frame))
            }.map(\.frame)
            let previous = keyframes.last { $0 < frame }
            let next = keyframes.first { $0 > frame }
            for index in edited.track.boxes.indices {
                let entry = edited.track.boxes[index]
                let weight: Double
                if entry.frame == frame {
                    weight = 1
                } else if !spreads {
                    weight = 0
                } else if entry.frame < frame {
                    weight = previous.map { entry.frame <= $0 ? 0 : Double(entry.frame - $0) / Double(frame - $0) } ?? 1
                } else {
                    weight = next.map { entry.frame >= $0 ? 0 : Double($0 - entry.frame) / Double($0 - frame) } ?? 1
                }
                guard weight > 0 else { continue }
                let moved =
                    entry.frame == frame
                    ? box : BoxInterpolation.corrected(entry.box, old: original, new: box, weight: weight)
                edited.track.boxes[index].box = moved
                edited.track.boxes[index].landmarks = entry.landmarks?.map {
                    BoxInterpolation.map($0, from: entry.box, to: moved)
                }
            }
        } else {
            let added = TracksFile.TrackBox(frame: frame, box: box, source: .filled)
            let position = edited.track.boxes.firstIndex { $0.frame > frame } ?? edited.track.boxes.endIndex
            edited.track.boxes.insert(added, at: position)
        }
        edited.state.correctedFrames = Set(old.state.correctedFrames + [frame]).sorted()
        try remove(id)
        try insert(edited)
        return .restoreTracks(remove: [id], tracks: [old])
    }
}
