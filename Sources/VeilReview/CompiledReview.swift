public import VeilGeometry
public import VeilPipeline
public import VeilTracking

/// A review turned into what `render` consumes: plans from the corrected tracks, the tracks
/// kept visible (excluded), and the manual regions as masks per frame. One renderer: nothing
/// here draws.
public struct CompiledReview: Sendable {
    /// One decision of the log, for the render report.
    public struct Decision: Codable, Sendable, Hashable {
        /// The entry's number in the log.
        public var seq: Int
        /// The reviewer, as typed.
        public var who: String
        /// ISO 8601.
        public var when: String
        /// Do, undo or redo.
        public var action: EditLogEntry.Action
        /// For undo and redo, the entry undone or applied again.
        public var target: Int?
        /// What was done, in words ("keep track 3 visible (consented)").
        public var what: String
        /// The reviewer's reason.
        public var why: String?
        /// In a review of photos, the photo it applies to.
        public var photo: String?
    }

    /// A track left unmasked, and why.
    public struct VisibleTrack: Codable, Sendable, Hashable {
        /// The track's ID.
        public var track: Int
        /// Why it is left unmasked ("consented").
        public var reason: String

        /// A visible track.
        public init(track: Int, reason: String) {
            self.track = track
            self.reason = reason
        }
    }

    /// The tracks file with every correction, split, merge and deletion applied.
    public var tracksFile: TracksFile
    /// Track IDs not to mask (`AnonymizationSettings.excludedTrackIDs`).
    public var excludedTrackIDs: Set<Int>
    /// The tracks left unmasked, with their reasons.
    public var visibleTracks: [VisibleTrack]
    /// Manual regions to draw as given, by frame index (`VideoAnonymizer.render(masks:)`).
    public var masksByFrame: [Int: [MaskRegion]]
    /// The manual regions' labels, for the report.
    public var regionLabels: [String]
    /// Tracks not marked reviewed when the export was compiled (empty unless allowed).
    public var unreviewedTrackIDs: [Int]
    /// Whether the export went ahead with unreviewed tracks because it was explicitly allowed.
    public var isUnreviewedExport: Bool { !unreviewedTrackIDs.isEmpty }
    /// Whether a reviewer marked the whole video reviewed.
    public var isVideoReviewed: Bool
    /// Every decision, in log order.
    public var decisions: [Decision]

    /// The plans to render, by frame index.
    public var plansByFrame: [Int: FramePlan] { tracksFile.plansByFrame }
}
