public import Foundation
public import VeilDetection
public import VeilGeometry
import VeilMedia
public import VeilPipeline
import VeilTracking

/// What detection found in a set of photos (`photos.detections.json` beside the folder): the
/// photos' equivalent of a video's tracks file, made once and reused by every later review of
/// the same photos, and the file a photo review's decision log is tied to by its SHA-256.
///
/// Each photo is recorded with its SHA-256, size and decoded dimensions (EXIF orientation
/// applied) and its detections at or above the threshold, numbered 1, 2, … in detector order.
/// A photo is reviewed as a one-frame video (``tracksFile(forPhoto:)``): each detection is a
/// track with one box on frame 0, so the video's operations apply unchanged.
///
/// ```swift
/// let names = PhotoDetections.photoNames(in: folder)
/// let (file, failures) = PhotoDetections.detect(in: folder, names: names, detector: detector,
///                                               threshold: 0.2, targets: [.face, .plate])
/// try AtomicFile.write(try file.jsonData(), to: PhotoDetections.url(forInput: folder))
/// ```
public struct PhotoDetections: Codable, Sendable, Hashable {
    /// The value of `format`.
    public static let formatName = "veil-photo-detections"
    /// The value of `version`.
    public static let formatVersion = 1

    /// One photo and what was found in it.
    public struct Photo: Codable, Sendable, Hashable {
        /// The photo's path relative to the folder reviewed (its name for a single photo).
        public var fileName: String
        /// SHA-256 of the photo's bytes.
        public var sha256: String
        /// The file's size in bytes.
        public var bytes: Int
        /// Decoded width in pixels, orientation applied.
        public var width: Int
        /// Decoded height in pixels, orientation applied.
        public var height: Int
        /// The detections kept (score at or above the threshold, a target class); track `i + 1`
        /// in the photo's review is `detections[i]`.
        public var detections: [Detection]

        /// A photo's record.
        public init(fileName: String, sha256: String, bytes: Int, width: Int, height: Int, detections: [Detection]) {
            self.fileName = fileName
            self.sha256 = sha256
            self.bytes = bytes
            self.width = width
            self.height = height
            self.detections = detections
        }
    }

    /// A photo that detection could not read, and why (one line, naming the photo).
    public struct Failure: Sendable, Hashable {
        /// The photo's relative path.
        public var fileName: String
        /// Why (the decoder's message).
        public var reason: String
    }

    /// Always ``formatName``.
    public var format: String
    /// The layout's version (``formatVersion``).
    public var version: Int
    /// The detector's name (`ObjectDetector.name`).
    public var detector: String
    /// Its models with their SHA-256.
    public var models: [ModelFingerprint]
    /// The score threshold applied.
    public var threshold: Double
    /// The classes kept.
    public var targets: [ObjectClass]
    /// The photos, sorted by name; a photo's ID in the review is its index here.
    public var photos: [Photo]

    /// A detections file.
    public init(
        detector: String, models: [ModelFingerprint], threshold: Double, targets: [ObjectClass], photos: [Photo]
    ) {
        format = Self.formatName
        version = Self.formatVersion
        self.detector = detector
        self.models = models
        self.threshold = threshold
        self.targets = targets.sorted()
        self.photos = photos.sorted { $0.fileName < $1.fileName }
    }

    // MARK: Where the files go

    /// `photos/` → `photos.detections.json` beside the folder; `a.jpg` → `a.detections.json`.
    public static func url(forInput input: URL) -> URL { sibling(of: input, suffix: ".detections.json") }

    /// The decision log: `photos/` → `photos.edits.jsonl`; `a.jpg` → `a.edits.jsonl`.
    public static func editsURL(forInput input: URL) -> URL { sibling(of: input, suffix: ".edits.jsonl") }

    /// The export's default: `photos/` → the folder `photos.reviewed/`; `a.jpg` → `a.reviewed.jpg`.
    public static func defaultOutput(forInput input: URL) -> URL {
        if isFolder(input) { return sibling(of: input, suffix: ".reviewed", isDirectory: true) }
        let ext = ImageFormat(fileExtension: input.pathExtension) == nil ? "jpg" : input.pathExtension
        return sibling(of: input, suffix: ".reviewed.\(ext)")
    }

    /// Where the export writes one photo: inside `output` under its relative path for a
    /// folder (a format Veil cannot write becomes `.jpg`), else `output` itself.
    public static func outputURL(forPhoto name: String, input: URL, output: URL) -> URL {
        isFolder(input) ? BatchPlan.outputURL(for: output.appendingPathComponent(name)) : output
    }

    /// The photo's file.
    public static func photoURL(_ name: String, input: URL) -> URL {
        isFolder(input) ? input.appendingPathComponent(name) : input
    }

    /// The photos a review covers: every still under the folder (hidden files and earlier
    /// outputs skipped, as `veil anonymize` walks it), sorted; or the single photo's name.
    public static func photoNames(in input: URL) -> [String] {
        guard isFolder(input) else { return [input.lastPathComponent] }
        let output = defaultOutput(forInput: input)
        return BatchPlan.make(inputs: [input], output: output, extensions: BatchPlan.imageExtensions).jobs
            .map(\.relativePath)
    }

    /// Whether `url` is an existing folder.
    public static func isFolder(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    private static func sibling(of input: URL, suffix: String, isDirectory: Bool = false) -> URL {
        let clean = input.standardizedFileURL
        let stem = isFolder(clean) ? clean.lastPathComponent : clean.deletingPathExtension().lastPathComponent
        return clean.deletingLastPathComponent().appendingPathComponent(stem + suffix, isDirectory: isDirectory)
    }

    // MARK: Making, reading and checking

    /// Runs `detector` on each photo (decoded with EXIF orientation, as the export decodes it).
    /// A photo that cannot be read is left out and returned as a failure; it never stops the
    /// others.
    ///
    /// - Complexity: one detection per photo.
    public static func detect(
        in input: URL, names: [String], detector: any ObjectDetector, threshold: Double, targets: Set<ObjectClass>,
        progress: (Int, Int) -> Void = { _, _ in }
    ) -> (file: PhotoDetections, failures: [Failure]) {
        var photos: [Photo] = []
        var failures: [Failure] = []
        for (index, name) in names.enumerated() {
            progress(index, names.count)
            let url = photoURL(name, input: input)
            do throws(PipelineError) {
                let data: Data
                let image: Image
                do throws(MediaError) {
                    data = try ImageCodec.readData(url)
                    try ImageCodec.acceptedHeader(of: data, path: name)
                    if let damage = ImageIntegrity.damage(in: data) {
                        throw MediaError.damaged(path: name, reason: damage)
                    }
                    image = try ImageCodec.decode(data, path: name)
                } catch {
                    throw .media(error)
                }
                let found: [Detection]
                do {
                    found = try detector.detect(in: image).filter {
                        $0.score >= threshold && targets.contains($0.objectClass)
                    }
                } catch {
                    throw .detection(error)
                }
                photos.append(
                    Photo(
                        fileName: name, sha256: SHA256.hex(of: data), bytes: data.count, width: image.size.width,
                        height: image.size.height, detections: found))
            } catch {
                failures.append(Failure(fileName: name, reason: "\(error)"))
            }
        }
        progress(names.count, names.count)
        let file = PhotoDetections(
            detector: detector.name, models: detector.models, threshold: threshold, targets: Array(targets),
            photos: photos)
        return (file, failures)
    }

    /// The file as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads and checks a detections file (format, version, names, boxes).
    public static func load(from url: URL) throws(PipelineError) -> PhotoDetections {
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
                path: url.path,
                reason: "not a Veil photo detections file (format is '\(header.format?.prefix(40) ?? "missing")')")
        }
        guard header.version == formatVersion else {
            throw .tracksFile(
                path: url.path,
                reason: "version \(header.version.map(String.init) ?? "missing") is not supported "
                    + "(this build reads \(formatVersion))")
        }
        let file: PhotoDetections
        do {
            file = try JSONDecoder().decode(PhotoDetections.self, from: data)
        } catch {
            throw .tracksFile(path: url.path, reason: EditLog.describe(error))
        }
        var seen = Set<String>()
        for photo in file.photos {
            guard seen.insert(photo.fileName).inserted, !photo.fileName.isEmpty,
                !photo.fileName.split(separator: "/").contains(".."), !photo.fileName.hasPrefix("/")
            else {
                throw .tracksFile(
                    path: url.path,
                    reason: "photo name '\(photo.fileName.prefix(80))' is empty, repeated or escapes the folder")
            }
            guard photo.width > 0, photo.height > 0 else {
                throw .tracksFile(path: url.path, reason: "\(photo.fileName.prefix(80)): no size")
            }
        }
        return file
    }

    /// Whether this file was made for exactly the photos `names` under `input`, as they are
    /// now (same names, same SHA-256): then it can be reused instead of detecting again.
    ///
    /// - Returns: nil when it matches, else why not (one line).
    public func mismatch(withPhotosIn input: URL, names: [String]) -> String? {
        guard photos.map(\.fileName) == names.sorted() else {
            return "it lists other photos (\(photos.count) recorded, \(names.count) found)"
        }
        for photo in photos {
            let sha = (try? SHA256.hex(ofFileAt: Self.photoURL(photo.fileName, input: input))) ?? "unreadable"
            guard sha == photo.sha256 else { return "\(photo.fileName) changed since detection" }
        }
        return nil
    }

    /// The photo as a one-frame tracks file: detection `i` is track `i + 1` with one box on
    /// frame 0, so ``ReviewDocument`` and every operation apply as to a video.
    public func tracksFile(forPhoto index: Int) -> TracksFile {
        let photo = photos[index]
        let media = TracksFile.Media(
            fileName: photo.fileName, sha256: photo.sha256, bytes: photo.bytes, width: photo.width,
            height: photo.height, frames: 1, durationSeconds: nil)
        let provenance = TracksFile.Provenance(
            tool: "veil", models: models, threshold: threshold, targets: targets, detectionStride: 1,
            plateDetectionStride: 1, lookAheadSeconds: 0)
        let boxes = photo.detections.enumerated().map { offset, detection in
            PlannedBox(
                trackID: TrackID(offset + 1), objectClass: detection.objectClass, box: detection.box,
                source: .detected, score: detection.score, landmarks: detection.landmarks)
        }
        return TracksFile(media: media, provenance: provenance, plans: [FramePlan(frameIndex: 0, boxes: boxes)])
    }
}
