public import Foundation
import VeilDetection
public import VeilGeometry
import VeilMasking
import VeilMedia
public import VeilPipeline

/// Exports a review of photos through the image path: each photo goes through
/// ``VeilPipeline/ImageAnonymizer`` (the code behind `veil anonymize`) with the reviewed boxes
/// in place of a detector and the reviewer's regions as manual regions. The one function
/// `veil render PHOTOS --edits` and the review editor's export both call, so a review replayed
/// without the browser writes the same bytes.
///
/// One photo that fails (changed since detection, unreadable, unwritable) is reported with a
/// one-line reason and does not stop the others; nothing is written for it.
///
/// ```swift
/// let render = PhotoReviewedRender(input: folder, detections: detectionsURL, edits: logURL,
///                                  output: outFolder, settings: AnonymizationSettings())
/// let report = try render.run(try render.prepare(), version: "0.1.0")
/// ```
public struct PhotoReviewedRender: Sendable {
    /// The folder of photos (or the single photo) reviewed.
    public var input: URL
    /// The detections file (``PhotoDetections``).
    public var detections: URL
    /// The decision log.
    public var edits: URL
    /// The output folder (for a folder) or file (for one photo).
    public var output: URL
    /// Mask settings (style, shape, margin, quality). Threshold and targets are not applied
    /// again: exactly the reviewed boxes are masked. Regions files are refused: every region
    /// is a logged decision.
    public var settings: AnonymizationSettings
    /// Export although photos are unreviewed; a log whose latest entries override that for
    /// every unreviewed photo needs no flag.
    public var allowsUnreviewed: Bool

    /// An export of `input` with the decisions of `edits`.
    public init(
        input: URL, detections: URL, edits: URL, output: URL, settings: AnonymizationSettings,
        allowsUnreviewed: Bool = false
    ) {
        self.input = input
        self.detections = detections
        self.edits = edits
        self.output = output
        self.settings = settings
        self.allowsUnreviewed = allowsUnreviewed
    }

    /// One photo, compiled: what the image path masks.
    public struct CompiledPhoto: Sendable {
        /// The photo's relative path.
        public var fileName: String
        /// Its SHA-256 as detected (checked again before rendering).
        public var sha256: String
        /// The boxes to mask (the reviewed detections, kept-visible ones left out).
        public var detections: [Detection]
        /// The reviewer's regions.
        public var regions: [UserRegion]
        /// Detections left visible, with reasons.
        public var visibleTracks: [CompiledReview.VisibleTrack]
        /// Whether the photo counted as reviewed.
        public var isReviewed: Bool
    }

    /// What ``prepare()`` checked and compiled.
    public struct Prepared: Sendable {
        /// SHA-256 of the detections file.
        public var detectionsSHA256: String
        /// Each photo, compiled.
        public var photos: [CompiledPhoto]
        /// What the report says about the review.
        public var record: PhotoReviewRecord
    }

    /// Loads the detections file and the log, replays and compiles.
    ///
    /// - Throws: ``ReviewedRender/Failure`` naming the file at fault; `isUnreviewed` when
    ///   photos are not reviewed and nothing allowed it.
    public func prepare() throws(ReviewedRender.Failure) -> Prepared {
        guard settings.userRegions.isEmpty else {
            throw ReviewedRender.Failure(
                description: "with --edits, regions and exclusions belong in the log; remove the regions file")
        }
        let file: PhotoDetections
        do {
            file = try PhotoDetections.load(from: detections)
        } catch {
            throw ReviewedRender.Failure(description: "\(error)")
        }
        let detectionsSHA256 = (try? SHA256.hex(ofFileAt: detections)) ?? "unreadable"
        let entries: [EditLogEntry]
        do {
            entries = try EditLog.load(from: edits)
        } catch {
            throw ReviewedRender.Failure(description: "\(error)")
        }
        let review: PhotoReview
        do {
            review = try PhotoReview.replay(entries, onto: file, detectionsSHA256: detectionsSHA256)
        } catch {
            throw ReviewedRender.Failure(description: "edits log \(edits.lastPathComponent): \(error)")
        }
        let unreviewed = review.unreviewedPhotos
        let allowed = allowsUnreviewed || review.isUnreviewedExportAllowed
        guard unreviewed.isEmpty || allowed else {
            let names = unreviewed.map { file.photos[$0].fileName }
            throw ReviewedRender.Failure(
                description: "\(ReviewError.unreviewedPhotos(names)) (--allow-unreviewed)", isUnreviewed: true)
        }
        var photos: [CompiledPhoto] = []
        for (index, session) in review.sessions.enumerated() {
            let compiled: CompiledReview
            do {
                compiled = try session.compile(allowingUnreviewed: true)
            } catch {
                throw ReviewedRender.Failure(description: "\(file.photos[index].fileName): \(error)")
            }
            photos.append(
                Self.compile(
                    session, compiled, sha256: file.photos[index].sha256, isReviewed: review.isReviewed(photo: index)))
        }
        let record = PhotoReviewRecord(
            editsFile: edits.lastPathComponent,
            editsSHA256: (try? SHA256.hex(ofFileAt: edits)) ?? "none",
            decisions: review.entries.map {
                CompiledReview.Decision(
                    seq: $0.seq, who: $0.who, when: $0.timestamp, action: $0.action, target: $0.target,
                    what: $0.what.summary, why: $0.why, photo: $0.photo)
            },
            unreviewedPhotos: unreviewed.map { file.photos[$0].fileName },
            unreviewedExportAllowed: !unreviewed.isEmpty && allowed)
        return Prepared(detectionsSHA256: detectionsSHA256, photos: photos, record: record)
    }

    static func compile(_ session: ReviewSession, _ compiled: CompiledReview, sha256: String, isReviewed: Bool)
        -> CompiledPhoto
    {
        let detections = compiled.tracksFile.tracks.compactMap { track -> Detection? in
            guard !compiled.excludedTrackIDs.contains(track.id), let box = track.boxes.first(where: { $0.frame == 0 })
            else { return nil }
            return Detection(
                objectClass: track.objectClass, box: box.box, score: box.score ?? 1, landmarks: box.landmarks ?? [])
        }
        let regions = session.document.regions.compactMap { region -> UserRegion? in
            guard let box = region.box(atFrame: 0) else { return nil }
            return UserRegion(label: region.label, box: box, shape: region.shape, points: region.points)
        }
        return CompiledPhoto(
            fileName: session.photo ?? "", sha256: sha256, detections: detections, regions: regions,
            visibleTracks: compiled.visibleTracks, isReviewed: isReviewed)
    }

    /// Renders every photo through ``ImageAnonymizer`` and returns the report (not written).
    ///
    /// - Parameters:
    ///   - version: Veil's version, for the report.
    ///   - progress: called before each photo with (done, total).
    public func run(_ prepared: Prepared, version: String, progress: (Int, Int) -> Void = { _, _ in })
        -> PhotoRenderReport
    {
        let isFolder = PhotoDetections.isFolder(input)
        var outputProblem: String?
        if isFolder {
            do {
                try BatchPlan.prepareOutputDirectory(output)
            } catch {
                outputProblem = "\(error)"
            }
        }
        var results: [PhotoRenderReport.Photo] = []
        for (index, photo) in prepared.photos.enumerated() {
            progress(index, prepared.photos.count)
            var result = PhotoRenderReport.Photo(
                fileName: photo.fileName, inputSHA256: photo.sha256, maskedBoxes: photo.detections.count,
                visibleTracks: photo.visibleTracks, manualRegionLabels: photo.regions.map { $0.label ?? "unlabelled" },
                isReviewed: photo.isReviewed)
            let target = PhotoDetections.outputURL(forPhoto: photo.fileName, input: input, output: output)
            do throws(ReviewedRender.Failure) {
                if let outputProblem { throw ReviewedRender.Failure(description: outputProblem) }
                result.outputSHA256 = try render(photo, to: target)
                result.output =
                    isFolder ? String(target.path.dropFirst(output.path.count + 1)) : target.lastPathComponent
            } catch {
                result.error = "\(photo.fileName): \(error.description)"
            }
            results.append(result)
        }
        progress(prepared.photos.count, prepared.photos.count)
        return PhotoRenderReport(
            version: version, detectionsFile: detections.lastPathComponent,
            detectionsSHA256: prepared.detectionsSHA256, mask: settings.masker.style.rawValue,
            maskTechnique: settings.masker.style.technique, review: prepared.record, photos: results)
    }

    /// One photo through the image path; returns the output's SHA-256.
    private func render(_ photo: CompiledPhoto, to target: URL) throws(ReviewedRender.Failure) -> String {
        let source = PhotoDetections.photoURL(photo.fileName, input: input)
        let sha = (try? SHA256.hex(ofFileAt: source)) ?? "unreadable"
        guard sha == photo.sha256 else {
            throw ReviewedRender.Failure(
                description:
                    "changed since detection (sha256 \(sha.prefix(12))…, recorded \(photo.sha256.prefix(12))…); not written"
            )
        }
        var settings = settings
        settings.threshold = 0
        settings.targets = Set(ObjectClass.allCases)
        settings.userRegions = UserRegions(regions: photo.regions)
        settings.excludedTrackIDs = []
        do {
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw ReviewedRender.Failure(description: "cannot create \(target.deletingLastPathComponent().path)")
        }
        let anonymizer = ImageAnonymizer(detector: ReviewedBoxes(photo.detections), settings: settings)
        let outcome: ImageOutcome
        do {
            outcome = try anonymizer.anonymize(input: source, output: target)
        } catch {
            throw ReviewedRender.Failure(description: "\(error)")
        }
        guard outcome.inputSHA256 == photo.sha256 else {
            try? FileManager.default.removeItem(at: target)
            throw ReviewedRender.Failure(description: "changed while it was exported; output removed")
        }
        return outcome.outputSHA256
    }
}

/// The reviewed boxes of one photo, handed to ``ImageAnonymizer`` in place of a detector: the
/// export masks what the reviewer saw and decided, not what a new detection finds.
struct ReviewedBoxes: ObjectDetector {
    let detections: [Detection]

    init(_ detections: [Detection]) { self.detections = detections }

    var name: String { "reviewed" }
    var models: [ModelFingerprint] { [] }
    func detect(in image: Image) throws(DetectionError) -> [Detection] { detections }
}

/// The review behind an export of photos: every decision in log order.
public struct PhotoReviewRecord: Encodable, Sendable {
    /// The log's file name.
    public var editsFile: String
    /// The log's SHA-256 when it was exported.
    public var editsSHA256: String
    /// Every entry, in order, each naming its photo.
    public var decisions: [CompiledReview.Decision]
    /// Photos exported without being reviewed (only when allowed).
    public var unreviewedPhotos: [String]
    /// Whether an unreviewed export was allowed (flag or logged override).
    public var unreviewedExportAllowed: Bool
}

/// What the export of a review of photos writes (`photos.reviewed.report.json`): the decisions
/// and, per photo, the SHA-256 in and out or the one-line reason it failed. No boxes, no pixels.
public struct PhotoRenderReport: Encodable, Sendable {
    /// One photo's outcome.
    public struct Photo: Encodable, Sendable {
        /// The photo's relative path.
        public var fileName: String
        /// The input's SHA-256 (as detected and checked before rendering).
        public var inputSHA256: String
        /// The output's path relative to the output folder (or its name), when written.
        public var output: String?
        /// The output's SHA-256, when written.
        public var outputSHA256: String?
        /// Why nothing was written, in one line.
        public var error: String?
        /// Boxes masked.
        public var maskedBoxes: Int
        /// Detections left visible, with reasons.
        public var visibleTracks: [CompiledReview.VisibleTrack]
        /// The reviewer's regions' labels.
        public var manualRegionLabels: [String]
        /// Whether the photo counted as reviewed.
        public var isReviewed: Bool
    }

    /// `veil-photo-review-report`.
    public var schema = "veil-photo-review-report"
    /// The layout's version.
    public var schemaVersion = 1
    /// `veil`.
    public var tool = "veil"
    /// Veil's version.
    public var version: String
    /// The detections file's name.
    public var detectionsFile: String
    /// Its SHA-256.
    public var detectionsSHA256: String
    /// The mask style.
    public var mask: String
    /// The mask's ISO/IEC 20889:2018 classification.
    public var maskTechnique: String
    /// The decisions.
    public var review: PhotoReviewRecord
    /// Each photo, in name order.
    public var photos: [Photo]
    /// How many photos failed.
    public var failed: Int { photos.filter { $0.error != nil }.count }

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion, tool, version, detectionsFile, detectionsSHA256, mask, maskTechnique, review,
            photos, failed
    }

    /// Encodes every field, `failed` included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(tool, forKey: .tool)
        try container.encode(version, forKey: .version)
        try container.encode(detectionsFile, forKey: .detectionsFile)
        try container.encode(detectionsSHA256, forKey: .detectionsSHA256)
        try container.encode(mask, forKey: .mask)
        try container.encode(maskTechnique, forKey: .maskTechnique)
        try container.encode(review, forKey: .review)
        try container.encode(photos, forKey: .photos)
        try container.encode(failed, forKey: .failed)
    }
}
