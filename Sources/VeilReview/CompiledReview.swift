public import VeilGeometry
public import VeilPipeline
public import VeilTracking

/// A review turned into what `render` consumes: plans from the corrected tracks, the tracks
/// kept visible (excluded), and the manual regions as masks per frame. One renderer: nothing
/// here draws.
public struct CompiledReview: Sendable {
    /// One decision of the log, for the render report.
    public struct Decision: Codable, Sendable, Hashable {
        public var seq: Int
        public var who: String
        /// ISO 8601.
        public var when: String
        public var action: EditLogEntry.Action
        /// For undo and redo, the entry undone or applied again.
        public var target: Int?
        /// What was done, in words ("keep track 3 visible (consented)").
        public var what: String
        public var why: String?
    }

    /// A track left unmasked, and why.
    public struct VisibleTrack: Codable, Sendable, Hashable {
        public var track: Int
        public var reason: String

        public init(track: Int, reason: String) {
            self.track = track
            self.reason = reason
        }
    }

    /// The tracks file with every correction, split, merge and deletion applied.
    public var tracksFile: TracksFile
    /// Track IDs not to mask (`AnonymizationSettings.excludedTrackIDs`).
    public var excludedTrackIDs: Set<Int>
    public var visibleTracks: [VisibleTrack]
    /// Manual regions to draw as given, by frame index (`VideoAnonymizer.render(masks:)`).
    public var masksByFrame: [Int: [MaskRegion]]
    public var regionLabels: [String]
    /// Tracks not marked reviewed when the export was compiled (empty unless allowed).
    public var unreviewedTrackIDs: [Int]
    /// Whether the export went ahead with unreviewed tracks because it was explicitly allowed.
    public var isUnreviewedExport: Bool { !unreviewedTrackIDs.isEmpty }
    public var isVideoReviewed: Bool
    public var decisions: [Decision]

    /// The plans to render, by frame index.
    public var plansByFrame: [Int: FramePlan] { tracksFile.plansByFrame }
}
