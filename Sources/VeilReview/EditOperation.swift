public import VeilGeometry

/// One change to a reviewed video: the `what` of a decision-log entry.
///
/// Encoded as a flat JSON object named by `op`, for example
/// `{"op": "split", "track": 3, "frame": 120, "newTrack": 7}` (docs/REVIEW.md lists them all).
/// Every operation has an inverse (``ReviewDocument/apply(_:)`` returns it), which undo appends.
public enum EditOperation: Sendable, Hashable {
    /// Which way ``deleteBoxes(track:frame:toward:)`` deletes from its frame.
    public enum Direction: String, Codable, Sendable, Hashable {
        /// The frame and every earlier one.
        case start
        /// The frame and every later one.
        case end
    }

    /// Mask the track (the default for every detected track).
    case mask(track: Int)
    /// Leave the track unmasked, for example a person who consented; the reason is required.
    case keepVisible(track: Int, reason: String)
    /// Boxes before `frame` stay in `track`; those from `frame` on move to `newTrack`, which
    /// takes over the track's decision and review state.
    case split(track: Int, frame: Int, newTrack: Int)
    /// Moves every box of `track` into `into` and removes `track`. Refused when both have a box
    /// on the same frame, or are of different classes. The merged track is visible only if
    /// both were (fail closed) and reviewed only if both were.
    case merge(track: Int, into: Int)
    /// Deletes the track's boxes on `frame` and every frame before it (`start`) or after it
    /// (`end`): those frames are not masked for this track. A track left without boxes is
    /// removed.
    case deleteBoxes(track: Int, frame: Int, toward: Direction)
    /// Sets the track's box on `frame` (a correction; the frame becomes a keyframe). The change
    /// is spread linearly to the boxes between this frame and the neighbouring keyframes
    /// (detections and earlier corrections), and applied whole to the boxes before the first
    /// or after the last keyframe. On a frame where the track has no box, the box is added
    /// alone.
    case moveBox(track: Int, frame: Int, box: Box)
    case addRegion(ManualRegion)
    /// Replaces a manual region (label, shape, span, keyframes) by this one with the same ID.
    case updateRegion(ManualRegion)
    /// Sets a manual region's box on `frame` (a keyframe, added or replaced); the frame must be
    /// inside its span.
    case setRegionKeyframe(region: Int, frame: Int, box: Box)
    case removeRegion(id: Int)
    case setTrackReviewed(track: Int, isReviewed: Bool)
    /// Signs the whole video off: every track, present or later split off, counts as reviewed.
    case setVideoReviewed(Bool)
    /// Removes the tracks `remove` and puts `tracks` in their place: the inverse of split,
    /// merge, delete and move (what undo appends for them). A session accepts it only in an
    /// undo entry, never as a new decision.
    case restoreTracks(remove: [Int], tracks: [TrackSnapshot])
    /// A reviewer's explicit permission to export although `tracks` are not marked reviewed
    /// (they must be exactly the unreviewed tracks at that point of the log). It changes
    /// nothing in the document and is not undoable; an export compiled right after it (no
    /// later entry) is allowed without being asked again, so `veil render --edits` replays it.
    case allowUnreviewedExport(tracks: [Int])

    /// One line for reports ("keep track 3 visible").
    public var summary: String {
        switch self {
        case .mask(let track): "mask track \(track)"
        case .keepVisible(let track, let reason): "keep track \(track) visible (\(reason))"
        case .split(let track, let frame, let newTrack): "split track \(track) at frame \(frame) into \(newTrack)"
        case .merge(let track, let into): "merge track \(track) into track \(into)"
        case .deleteBoxes(let track, let frame, let toward):
            "delete track \(track)'s boxes from frame \(frame) to the \(toward.rawValue)"
        case .moveBox(let track, let frame, let box): "move track \(track)'s box on frame \(frame) to \(box)"
        case .addRegion(let region):
            "add \(region.shape.rawValue) region \(region.id) '\(region.label)' from frame \(region.firstFrame)"
                + (region.lastFrame.map { " to \($0)" } ?? " to the end")
        case .updateRegion(let region): "change region \(region.id) '\(region.label)'"
        case .setRegionKeyframe(let region, let frame, let box):
            "set region \(region)'s box on frame \(frame) to \(box)"
        case .removeRegion(let id): "remove region \(id)"
        case .setTrackReviewed(let track, let isReviewed):
            isReviewed ? "mark track \(track) reviewed" : "mark track \(track) not reviewed"
        case .setVideoReviewed(let isReviewed): isReviewed ? "sign the video off as reviewed" : "withdraw the sign-off"
        case .restoreTracks(let remove, let tracks):
            "restore track(s) \(tracks.map { String($0.track.id) }.joined(separator: ", "))"
                + (remove.isEmpty ? "" : " in place of \(remove.map(String.init).joined(separator: ", "))")
        case .allowUnreviewedExport(let tracks):
            "allow an export with unreviewed track(s) \(tracks.map(String.init).joined(separator: ", "))"
        }
    }

    /// The operation's name in the log (`op`).
    public var name: String {
        switch self {
        case .mask: "mask"
        case .keepVisible: "keepVisible"
        case .split: "split"
        case .merge: "merge"
        case .deleteBoxes: "deleteBoxes"
        case .moveBox: "moveBox"
        case .addRegion: "addRegion"
        case .updateRegion: "updateRegion"
        case .setRegionKeyframe: "setRegionKeyframe"
        case .removeRegion: "removeRegion"
        case .setTrackReviewed: "setTrackReviewed"
        case .setVideoReviewed: "setVideoReviewed"
        case .restoreTracks: "restoreTracks"
        case .allowUnreviewedExport: "allowUnreviewedExport"
        }
    }
}

extension EditOperation: Codable {
    enum CodingKeys: String, CodingKey {
        case op, track, frame, newTrack, into, toward, box, region, id, isReviewed, reason, remove, tracks
    }

    /// Decodes an operation from its `op` name and fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func int(_ key: CodingKeys) throws -> Int { try container.decode(Int.self, forKey: key) }
        let op = try container.decode(String.self, forKey: .op)
        switch op {
        case "mask": self = .mask(track: try int(.track))
        case "keepVisible":
            self = .keepVisible(track: try int(.track), reason: try container.decode(String.self, forKey: .reason))
        case "split": self = .split(track: try int(.track), frame: try int(.frame), newTrack: try int(.newTrack))
        case "merge": self = .merge(track: try int(.track), into: try int(.into))
        case "deleteBoxes":
            self = .deleteBoxes(
                track: try int(.track), frame: try int(.frame),
                toward: try container.decode(Direction.self, forKey: .toward))
        case "moveBox":
            self = .moveBox(
                track: try int(.track), frame: try int(.frame), box: try container.decode(Box.self, forKey: .box))
        case "addRegion": self = .addRegion(try container.decode(ManualRegion.self, forKey: .region))
        case "updateRegion": self = .updateRegion(try container.decode(ManualRegion.self, forKey: .region))
        case "setRegionKeyframe":
            self = .setRegionKeyframe(
                region: try int(.region), frame: try int(.frame), box: try container.decode(Box.self, forKey: .box))
        case "removeRegion": self = .removeRegion(id: try int(.id))
        case "setTrackReviewed":
            self = .setTrackReviewed(
                track: try int(.track), isReviewed: try container.decode(Bool.self, forKey: .isReviewed))
        case "setVideoReviewed": self = .setVideoReviewed(try container.decode(Bool.self, forKey: .isReviewed))
        case "restoreTracks":
            self = .restoreTracks(
                remove: try container.decode([Int].self, forKey: .remove),
                tracks: try container.decode([TrackSnapshot].self, forKey: .tracks))
        case "allowUnreviewedExport":
            self = .allowUnreviewedExport(tracks: try container.decode([Int].self, forKey: .tracks))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unknown operation '\(op.prefix(40))'")
        }
    }

    /// Encodes the operation as its `op` name and fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .op)
        switch self {
        case .mask(let track):
            try container.encode(track, forKey: .track)
        case .keepVisible(let track, let reason):
            try container.encode(track, forKey: .track)
            try container.encode(reason, forKey: .reason)
        case .split(let track, let frame, let newTrack):
            try container.encode(track, forKey: .track)
            try container.encode(frame, forKey: .frame)
            try container.encode(newTrack, forKey: .newTrack)
        case .merge(let track, let into):
            try container.encode(track, forKey: .track)
            try container.encode(into, forKey: .into)
        case .deleteBoxes(let track, let frame, let toward):
            try container.encode(track, forKey: .track)
            try container.encode(frame, forKey: .frame)
            try container.encode(toward, forKey: .toward)
        case .moveBox(let track, let frame, let box):
            try container.encode(track, forKey: .track)
            try container.encode(frame, forKey: .frame)
            try container.encode(box, forKey: .box)
        case .addRegion(let region), .updateRegion(let region):
            try container.encode(region, forKey: .region)
        case .setRegionKeyframe(let region, let frame, let box):
            try container.encode(region, forKey: .region)
            try container.encode(frame, forKey: .frame)
            try container.encode(box, forKey: .box)
        case .removeRegion(let id):
            try container.encode(id, forKey: .id)
        case .setTrackReviewed(let track, let isReviewed):
            try container.encode(track, forKey: .track)
            try container.encode(isReviewed, forKey: .isReviewed)
        case .setVideoReviewed(let isReviewed):
            try container.encode(isReviewed, forKey: .isReviewed)
        case .restoreTracks(let remove, let tracks):
            try container.encode(remove, forKey: .remove)
            try container.encode(tracks, forKey: .tracks)
        case .allowUnreviewedExport(let tracks):
            try container.encode(tracks, forKey: .tracks)
        }
    }
}
