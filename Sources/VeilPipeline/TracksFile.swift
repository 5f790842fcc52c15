public import Foundation
public import VeilDetection
public import VeilGeometry
internal import VeilMedia
public import VeilTracking
public import VeilVideo

/// What `veil detect` found in a video, to review, edit and render later (`veil render`)
/// without running detection again. Versioned JSON; boxes in pixels of the stored frames.
///
/// Editing by hand: delete a track to leave it unmasked (or keep it and pass
/// `--exclude-track ID`), add or move boxes, change a box's `source` freely. Manual regions go
/// in a regions file (`--regions-file`), not here.
public struct TracksFile: Codable, Sendable, Hashable {
    /// The value of `format`.
    public static let formatName = "veil-tracks"
    /// The value of `version`.
    public static let formatVersion = 1

    /// Identifies the media the tracks belong to; `render` refuses any other.
    public struct Media: Codable, Sendable, Hashable {
        /// The video's file name (no folders).
        public var fileName: String
        /// The video's SHA-256.
        public var sha256: String
        /// The video's size in bytes.
        public var bytes: Int
        /// Frame width in pixels.
        public var width: Int
        /// Frame height in pixels.
        public var height: Int
        /// Frames read.
        public var frames: Int
        /// The container's duration, when it has one.
        public var durationSeconds: Double?

        /// The identity of a video.
        public init(
            fileName: String, sha256: String, bytes: Int, width: Int, height: Int, frames: Int,
            durationSeconds: Double? = nil
        ) {
            self.fileName = fileName
            self.sha256 = sha256
            self.bytes = bytes
            self.width = width
            self.height = height
            self.frames = frames
            self.durationSeconds = durationSeconds
        }
    }

    /// How the tracks were made (for the record; rendering does not need it).
    public struct Provenance: Codable, Sendable, Hashable {
        /// "veil" and its version.
        public var tool: String
        /// Every model that ran, with its SHA-256.
        public var models: [ModelFingerprint]
        /// The minimum detector score.
        public var threshold: Double
        /// The classes detected.
        public var targets: [ObjectClass]
        /// Faces detected on every n-th frame (as run).
        public var detectionStride: Int
        /// Plates detected on every n-th frame (as run).
        public var plateDetectionStride: Int
        /// Seconds of look-ahead.
        public var lookAheadSeconds: Double
        /// Faces were searched at full size on every n-th frame (coarse passes between); nil in
        /// files written before coarse passes existed.
        public var fullDetectionStride: Int?
        /// The longest side of the coarse face passes (pixels); nil when there were none.
        public var coarseDetectionSide: Int?

        /// The provenance of a tracks file.
        public init(
            tool: String,
            models: [ModelFingerprint],
            threshold: Double,
            targets: [ObjectClass],
            detectionStride: Int,
            plateDetectionStride: Int,
            lookAheadSeconds: Double,
            fullDetectionStride: Int? = nil,
            coarseDetectionSide: Int? = nil
        ) {
            self.fullDetectionStride = fullDetectionStride
            self.coarseDetectionSide = coarseDetectionSide
            self.tool = tool
            self.models = models
            self.threshold = threshold
            self.targets = targets
            self.detectionStride = detectionStride
            self.plateDetectionStride = plateDetectionStride
            self.lookAheadSeconds = lookAheadSeconds
        }
    }

    /// One box of a track on one frame.
    public struct TrackBox: Codable, Sendable, Hashable {
        /// The frame's index, from 0.
        public var frame: Int
        /// The box in frame pixels.
        public var box: Box
        /// `detected`, `predicted` (tracker) or `filled` (gap fill).
        public var source: BoxSource
        /// The detector's score, when detected on this frame.
        public var score: Double?
        /// The detector's five face landmarks, when detected on this frame.
        public var landmarks: [Point]?

        /// A box of a track on one frame.
        public init(frame: Int, box: Box, source: BoxSource, score: Double? = nil, landmarks: [Point]? = nil) {
            self.frame = frame
            self.box = box
            self.source = source
            self.score = score
            self.landmarks = landmarks
        }
    }

    /// One tracked object and its boxes.
    public struct Track: Codable, Sendable, Hashable {
        /// The track's ID (what `render --exclude-track` takes).
        public var id: Int
        /// Face or plate.
        public var objectClass: ObjectClass
        /// Its boxes, frame by frame.
        public var boxes: [TrackBox]

        /// A track and its boxes.
        public init(id: Int, objectClass: ObjectClass, boxes: [TrackBox]) {
            self.id = id
            self.objectClass = objectClass
            self.boxes = boxes
        }
    }

    /// A box masked on one frame without a track (a strong detection no track claimed).
    public struct LooseBox: Codable, Sendable, Hashable {
        /// Face or plate.
        public var objectClass: ObjectClass
        /// The frame's index, from 0.
        public var frame: Int
        /// The box in frame pixels.
        public var box: Box
    }

    /// Always ``formatName``.
    public var format: String
    /// The layout's version (``formatVersion``).
    public var version: Int
    /// The video it was made for.
    public var media: Media
    /// How it was made.
    public var provenance: Provenance
    /// Every track.
    public var tracks: [Track]
    /// Boxes masked without a track.
    public var looseBoxes: [LooseBox]

    /// Builds the file from the plans of every frame.
    public init(media: Media, provenance: Provenance, plans: [FramePlan]) {
        format = Self.formatName
        version = Self.formatVersion
        self.media = media
        self.provenance = provenance
        var byID: [Int: Track] = [:]
        var loose: [LooseBox] = []
        for plan in plans {
            for planned in plan.boxes {
                let box = TrackBox(
                    frame: plan.frameIndex, box: planned.box, source: planned.source, score: planned.score,
                    landmarks: planned.landmarks.isEmpty ? nil : planned.landmarks)
                if let id = planned.trackID?.rawValue {
                    byID[id, default: Track(id: id, objectClass: planned.objectClass, boxes: [])].boxes.append(box)
                } else {
                    loose.append(LooseBox(objectClass: planned.objectClass, frame: plan.frameIndex, box: planned.box))
                }
            }
        }
        tracks = byID.values.sorted { $0.id < $1.id }
        looseBoxes = loose
    }

    /// The plans to render, by frame index.
    public var plansByFrame: [Int: FramePlan] {
        var plans: [Int: FramePlan] = [:]
        func add(_ box: PlannedBox, at frame: Int) {
            plans[frame, default: FramePlan(frameIndex: frame, boxes: [])].boxes.append(box)
        }
        for track in tracks {
            for entry in track.boxes {
                add(
                    PlannedBox(
                        trackID: TrackID(track.id), objectClass: track.objectClass, box: entry.box,
                        source: entry.source,
                        score: entry.score, landmarks: entry.landmarks ?? []
                    ),
                    at: entry.frame
                )
            }
        }
        for entry in looseBoxes {
            add(
                PlannedBox(trackID: nil, objectClass: entry.objectClass, box: entry.box, source: .detected),
                at: entry.frame)
        }
        return plans
    }

    /// The identity of a video file: hash, size, and stream facts.
    public static func media(of url: URL, info: VideoInfo, frames: Int) throws(PipelineError) -> Media {
        let sha: String
        let bytes: Int
        do {
            sha = try SHA256.hex(ofFileAt: url)
            bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        } catch {
            throw .tracksFile(path: url.path, reason: "cannot read the media to fingerprint it (\(error))")
        }
        return Media(
            fileName: url.lastPathComponent,
            sha256: sha,
            bytes: bytes,
            width: info.size.width,
            height: info.size.height,
            frames: frames,
            durationSeconds: info.durationSeconds
        )
    }

    /// The file as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads and validates a tracks file.
    public static func load(from url: URL) throws(PipelineError) -> TracksFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .tracksFile(path: url.path, reason: "cannot read it (\(error.localizedDescription))")
        }
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw .tracksFile(path: url.path, reason: "not JSON")
        }
        guard header.format == formatName else {
            throw .tracksFile(
                path: url.path, reason: "not a Veil tracks file (format is '\(header.format ?? "missing")')")
        }
        guard header.version == formatVersion else {
            throw .tracksFile(
                path: url.path,
                reason:
                    "version \(header.version.map(String.init) ?? "missing") is not supported (this build reads \(formatVersion))"
            )
        }
        let file: TracksFile
        do {
            file = try JSONDecoder().decode(TracksFile.self, from: data)
        } catch {
            throw .tracksFile(path: url.path, reason: JSONProblem.describe(error))
        }
        if let problem = file.unusableBox {
            throw .tracksFile(
                path: url.path,
                reason: "\(problem): coordinates must be finite and within ±\(Int(Box.maximumCoordinate)) px, "
                    + "sides positive")
        }
        return file
    }

    /// Where the first box that ``Box/isUsable`` refuses is ("track 2, frame 1"), or nil.
    var unusableBox: String? {
        for track in tracks {
            if let entry = track.boxes.first(where: { !$0.box.isUsable }) {
                return "track \(track.id), frame \(entry.frame)"
            }
        }
        return looseBoxes.first { !$0.box.isUsable }.map { "a loose box on frame \($0.frame)" }
    }

    /// Refuses media that is not the one the tracks were made for.
    public func verify(mediaAt url: URL) throws(PipelineError) {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1
        let sha = (try? SHA256.hex(ofFileAt: url)) ?? "unreadable"
        guard bytes == media.bytes, sha == media.sha256 else {
            throw .tracksFile(
                path: url.path,
                reason: "this tracks file was made for \(media.fileName) (sha256 \(media.sha256.prefix(12))…, "
                    + "\(media.bytes) bytes), not this file (sha256 \(sha.prefix(12))…, \(bytes) bytes)"
            )
        }
    }
}
