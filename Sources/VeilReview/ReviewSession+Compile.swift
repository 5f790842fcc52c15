import VeilGeometry

extension ReviewSession {
    /// Compiles the review for `render`.
    ///
    /// - Parameter allowingUnreviewed: export even though tracks are not marked reviewed (the
    ///   result lists them); otherwise that is refused, unless the log's latest entry is an
    ///   export override for exactly these tracks (``isUnreviewedExportAllowed``).
    /// - Throws: ``ReviewError/unreviewedTracks(_:)``.
    /// - Complexity: O(*frames* × *regions*) for the per-frame masks.
    public func compile(allowingUnreviewed: Bool = false) throws(ReviewError) -> CompiledReview {
        let unreviewed = document.unreviewedTrackIDs
        guard unreviewed.isEmpty || allowingUnreviewed || isUnreviewedExportAllowed else {
            throw .unreviewedTracks(unreviewed)
        }
        var masks: [Int: [MaskRegion]] = [:]
        let lastFrame = document.frames - 1
        for region in document.regions {
            let last = min(region.lastFrame ?? lastFrame, lastFrame)
            guard region.firstFrame <= last else { continue }
            for frame in region.firstFrame...last {
                if let mask = region.mask(atFrame: frame) { masks[frame, default: []].append(mask) }
            }
        }
        let visible = document.tracksFile.tracks.compactMap { track in
            document.states[track.id]?.visibleReason.map { CompiledReview.VisibleTrack(track: track.id, reason: $0) }
        }
        return CompiledReview(
            tracksFile: document.tracksFile,
            excludedTrackIDs: Set(visible.map(\.track)),
            visibleTracks: visible,
            masksByFrame: masks,
            regionLabels: document.regions.map(\.label),
            unreviewedTrackIDs: unreviewed,
            isVideoReviewed: document.isVideoReviewed,
            decisions: entries.map {
                CompiledReview.Decision(
                    seq: $0.seq, who: $0.who, when: $0.timestamp, action: $0.action, target: $0.target,
                    what: $0.what.summary, why: $0.why, photo: $0.photo)
            }
        )
    }
}
