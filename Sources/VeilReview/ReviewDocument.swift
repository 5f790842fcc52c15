import Foundation
public import VeilPipeline

/// A video under review: the tracks as corrected so far, each track's decisions, the manual
/// regions, and whether the video is signed off. A value: every edit goes through
/// ``apply(_:)``, which either changes it and returns the inverse operation, or throws and
/// changes nothing.
///
/// Invariants, kept by every operation and checked on creation:
/// - tracks are sorted by ID, IDs are unique and in 0…``maximumIdentifier``, and every track
///   has a state (and every state a track);
/// - a track has at least one box, at most one per frame, sorted by frame, all inside the
///   video (0 ..< ``frames``);
/// - manual regions are sorted by ID and each satisfies ``ManualRegion/validate(frames:)``.
///
/// Encodable (not decodable: a document is only ever made from a tracks file and a log) so a
/// server can hand the whole state to the page as JSON.
public struct ReviewDocument: Sendable, Hashable, Encodable {
    /// Largest track or region ID accepted (IDs stay far from integer overflow).
    public static let maximumIdentifier = Int(Int32.max)
    /// Longest reason, in characters.
    public static let maximumReasonLength = 500

    /// The tracks file with every correction applied (what `render` masks).
    public internal(set) var tracksFile: TracksFile
    /// Decisions per track ID.
    public internal(set) var states: [Int: TrackState]
    /// Regions drawn by hand, sorted by ID.
    public internal(set) var regions: [ManualRegion]
    /// The whole video was signed off: every track counts as reviewed.
    public internal(set) var isVideoReviewed: Bool

    /// Starts a review of a tracks file: every track masked and unreviewed, no regions.
    /// Boxes are put in frame order.
    public init(tracksFile: TracksFile) throws(ReviewError) {
        guard tracksFile.media.frames > 0 else { throw .invalidTracks("it records no frames") }
        var file = tracksFile
        var seen = Set<Int>()
        for index in file.tracks.indices {
            let id = file.tracks[index].id
            guard (0...Self.maximumIdentifier).contains(id) else {
                throw .invalidTracks("track ID \(id) is out of range")
            }
            guard seen.insert(id).inserted else { throw .invalidTracks("track \(id) appears twice") }
            file.tracks[index].boxes.sort { $0.frame < $1.frame }
            try Self.checkBoxes(of: file.tracks[index], frames: tracksFile.media.frames)
        }
        file.tracks.removeAll { $0.boxes.isEmpty }
        file.tracks.sort { $0.id < $1.id }
        self.tracksFile = file
        states = Dictionary(uniqueKeysWithValues: file.tracks.map { ($0.id, TrackState()) })
        regions = []
        isVideoReviewed = false
    }

    /// Frames in the video.
    public var frames: Int { tracksFile.media.frames }

    /// The track with this ID, if any.
    public func track(_ id: Int) -> TracksFile.Track? { tracksFile.tracks.first { $0.id == id } }

    /// Whether the track counts as reviewed: marked itself, or the video is signed off.
    public func isReviewed(track id: Int) -> Bool { isVideoReviewed || (states[id]?.isReviewed ?? false) }

    /// Tracks that block an export, ascending.
    public var unreviewedTrackIDs: [Int] { tracksFile.tracks.map(\.id).filter { !isReviewed(track: $0) } }

    /// Applies one operation.
    ///
    /// - Returns: the operation that undoes it (applied right after, it restores this value).
    /// - Throws: ``ReviewError``, and then nothing changed.
    @discardableResult
    public mutating func apply(_ operation: EditOperation) throws(ReviewError) -> EditOperation {
        var copy = self
        let inverse = try copy.applyInPlace(operation)
        self = copy
        return inverse
    }

    // MARK: Checks shared by the operations

    static func checkIdentifier(_ id: Int) throws(ReviewError) {
        guard (0...maximumIdentifier).contains(id) else { throw .identifierOutOfRange(id) }
    }

    static func checkFrame(_ frame: Int, frames: Int) throws(ReviewError) {
        guard frame >= 0, frame < frames else { throw .frameOutOfRange(frame: frame, frames: frames) }
    }

    static func checkBoxes(of track: TracksFile.Track, frames: Int) throws(ReviewError) {
        var previous: Int?
        for entry in track.boxes {
            guard entry.frame >= 0, entry.frame < frames else {
                throw .invalidTracks(
                    "track \(track.id) has a box on frame \(entry.frame), outside the video (0…\(frames - 1))")
            }
            if let previous, entry.frame <= previous {
                throw .invalidTracks("track \(track.id) has two boxes on frame \(entry.frame)")
            }
            previous = entry.frame
        }
    }

    static func checkReason(_ reason: String, for what: String) throws(ReviewError) {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .reasonRequired(what) }
        guard reason.count <= maximumReasonLength else {
            throw .malformedEntry("the reason for \(what) is longer than \(maximumReasonLength) characters")
        }
    }

    // MARK: Track bookkeeping

    func index(of id: Int) throws(ReviewError) -> Int {
        guard let index = tracksFile.tracks.firstIndex(where: { $0.id == id }) else { throw .noSuchTrack(id) }
        return index
    }

    func snapshot(_ id: Int) throws(ReviewError) -> TrackSnapshot {
        TrackSnapshot(track: tracksFile.tracks[try index(of: id)], state: states[id] ?? TrackState())
    }

    mutating func remove(_ id: Int) throws(ReviewError) {
        tracksFile.tracks.remove(at: try index(of: id))
        states[id] = nil
    }

    mutating func insert(_ snapshot: TrackSnapshot) throws(ReviewError) {
        let id = snapshot.track.id
        try Self.checkIdentifier(id)
        guard states[id] == nil else { throw .trackExists(id) }
        guard !snapshot.track.boxes.isEmpty else { throw .invalidTracks("track \(id) has no boxes") }
        try Self.checkBoxes(of: snapshot.track, frames: frames)
        var state = snapshot.state
        let frames = Set(snapshot.track.boxes.map(\.frame))
        state.correctedFrames = Set(state.correctedFrames).intersection(frames).sorted()
        let position = tracksFile.tracks.firstIndex { $0.id > id } ?? tracksFile.tracks.endIndex
        tracksFile.tracks.insert(snapshot.track, at: position)
        states[id] = state
    }

    mutating func setRegion(_ region: ManualRegion) {
        regions.removeAll { $0.id == region.id }
        let position = regions.firstIndex { $0.id > region.id } ?? regions.endIndex
        regions.insert(region, at: position)
    }
}
