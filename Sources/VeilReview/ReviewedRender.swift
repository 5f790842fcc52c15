public import Foundation
import VeilMasking
import VeilMedia
public import VeilPipeline
public import VeilVideo

/// Renders a video with a review's decisions: the one function `veil render --edits` and the
/// review editor's export both call, so a review replayed without the browser gives the same
/// output as the editor's export.
///
/// ```swift
/// let render = ReviewedRender(input: clip, tracks: tracksURL, edits: logURL, output: out,
///                             settings: AnonymizationSettings(), video: VideoSettings())
/// let prepared = try render.prepare()          // loads, verifies, replays, compiles
/// let report = try render.run(prepared, version: "0.1.0")
/// ```
public struct ReviewedRender: Sendable {
    /// The video the tracks file was made for.
    public var input: URL
    /// The tracks file.
    public var tracks: URL
    /// The decision log.
    public var edits: URL
    /// Where the video is written (through a temporary name).
    public var output: URL
    /// Mask settings; `excludedTrackIDs` is replaced by the tracks the review keeps visible,
    /// and user regions may not contain exclusions (every unmasking is a logged decision).
    public var settings: AnonymizationSettings
    /// Encoding and stream settings.
    public var video: VideoSettings
    /// Render although tracks are not marked reviewed (`--allow-unreviewed`); a log whose
    /// latest entry is an export override needs no flag.
    public var allowsUnreviewed: Bool

    /// A render of `input` with the decisions of `edits`.
    public init(
        input: URL, tracks: URL, edits: URL, output: URL, settings: AnonymizationSettings, video: VideoSettings,
        allowsUnreviewed: Bool = false
    ) {
        self.input = input
        self.tracks = tracks
        self.edits = edits
        self.output = output
        self.settings = settings
        self.video = video
        self.allowsUnreviewed = allowsUnreviewed
    }

    /// What ``prepare()`` checked and compiled, ready to render.
    public struct Prepared: Sendable {
        /// The tracks file as `veil detect` wrote it.
        public var tracksFile: TracksFile
        /// SHA-256 of the tracks file.
        public var tracksSHA256: String
        /// The review compiled for rendering.
        public var compiled: CompiledReview
        /// What the report says about the review.
        public var record: ReviewRecord
    }

    /// Why a reviewed render was refused or failed; each message names the file at fault.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The message shown to the user.
        public var description: String
        /// Whether the render was refused because tracks are not reviewed.
        public var isUnreviewed: Bool = false
    }

    /// Loads the tracks file and the log, checks them against the media, replays and compiles.
    public func prepare() throws(Failure) -> Prepared {
        let file: TracksFile
        do {
            file = try TracksFile.load(from: tracks)
            try file.verify(mediaAt: input)
        } catch {
            throw Failure(description: "\(error)")
        }
        guard settings.userRegions.exclusions.isEmpty else {
            throw Failure(
                description:
                    "with --edits, exclusions belong in the log (keepVisible); remove them from the regions file")
        }
        let tracksSHA256 = (try? SHA256.hex(ofFileAt: tracks)) ?? "unreadable"
        let document: ReviewDocument
        do {
            document = try ReviewDocument(tracksFile: file)
        } catch {
            throw Failure(description: "tracks \(tracks.path): \(error)")
        }
        let entries: [EditLogEntry]
        do {
            entries = try EditLog.load(from: edits)
        } catch {
            throw Failure(description: "\(error)")
        }
        let session: ReviewSession
        do {
            session = try ReviewSession.replay(
                entries, onto: document, mediaSHA256: file.media.sha256, tracksSHA256: tracksSHA256)
        } catch {
            throw Failure(description: "edits log \(edits.lastPathComponent): \(error)")
        }
        let compiled: CompiledReview
        do {
            compiled = try session.compile(allowingUnreviewed: allowsUnreviewed)
        } catch {
            throw Failure(description: "\(error) (--allow-unreviewed)", isUnreviewed: true)
        }
        let record = ReviewRecord(
            editsFile: edits.lastPathComponent,
            editsSHA256: (try? SHA256.hex(ofFileAt: edits)) ?? "unreadable",
            decisions: compiled.decisions,
            visibleTracks: compiled.visibleTracks,
            manualRegionLabels: compiled.regionLabels,
            isVideoReviewed: compiled.isVideoReviewed,
            unreviewedTrackIDs: compiled.unreviewedTrackIDs,
            unreviewedExportAllowed: allowsUnreviewed || session.isUnreviewedExportAllowed
        )
        return Prepared(tracksFile: file, tracksSHA256: tracksSHA256, compiled: compiled, record: record)
    }

    /// Renders what ``prepare()`` compiled and returns the report (not written anywhere).
    ///
    /// - Parameter version: Veil's version, for the report.
    public func run(
        _ prepared: Prepared, version: String, cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (VideoProgress) -> Void = { _ in }
    ) throws(PipelineError) -> RenderReport {
        var settings = settings
        settings.excludedTrackIDs = prepared.compiled.excludedTrackIDs
        let anonymizer = VideoAnonymizer(detectors: [], settings: settings, video: video)
        let outcome = try anonymizer.render(
            input: input, output: output, plans: prepared.compiled.plansByFrame, masks: prepared.compiled.masksByFrame,
            cancellation: cancellation, progress: progress)
        return RenderReport(
            version: version, tracksFile: tracks.lastPathComponent, mediaSHA256: prepared.tracksFile.media.sha256,
            tracksSHA256: prepared.tracksSHA256, outputSHA256: outcome.outputSHA256 ?? "unreadable",
            mask: settings.masker.style.rawValue, maskTechnique: settings.masker.style.technique,
            encoding: RenderReport.Encoding(video.output),
            excludedTrackIDs: settings.excludedTrackIDs.sorted(),
            manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
            exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
            review: prepared.record, video: outcome)
    }
}

/// What `veil render --report` (and the review editor's export) writes: what was excluded and
/// why (the user's labels), the SHA-256 of every file in and out, the encoding, and the run's
/// counts. No boxes, no pixels.
public struct RenderReport: Encodable, Sendable {
    /// `veil-render-report`.
    public var schema = "veil-render-report"
    /// The layout's version.
    public var schemaVersion = 2
    /// `veil`.
    public var tool = "veil"
    /// Veil's version.
    public var version: String
    /// The tracks file's name.
    public var tracksFile: String
    /// The input's SHA-256, as recorded in the tracks file and verified before rendering.
    public var mediaSHA256: String
    /// The tracks file's SHA-256.
    public var tracksSHA256: String
    /// The output's SHA-256.
    public var outputSHA256: String
    /// The mask style.
    public var mask: String
    /// The mask's ISO/IEC 20889:2018 classification (`MaskStyle.technique`).
    public var maskTechnique: String
    /// How the output was encoded (detection settings are in the tracks file's provenance).
    public var encoding: Encoding
    /// Tracks left unmasked.
    public var excludedTrackIDs: [Int]
    /// Labels of the regions file's regions.
    public var manualRegionLabels: [String]
    /// Labels of the regions file's exclusions.
    public var exclusionLabels: [String]
    /// With a decision log: the decisions rendered.
    public var review: ReviewRecord?
    /// The run's counts.
    public var video: VideoOutcome

    /// A report.
    public init(
        version: String, tracksFile: String, mediaSHA256: String, tracksSHA256: String, outputSHA256: String,
        mask: String, maskTechnique: String, encoding: Encoding, excludedTrackIDs: [Int], manualRegionLabels: [String],
        exclusionLabels: [String], review: ReviewRecord?, video: VideoOutcome
    ) {
        self.version = version
        self.tracksFile = tracksFile
        self.mediaSHA256 = mediaSHA256
        self.tracksSHA256 = tracksSHA256
        self.outputSHA256 = outputSHA256
        self.mask = mask
        self.maskTechnique = maskTechnique
        self.encoding = encoding
        self.excludedTrackIDs = excludedTrackIDs
        self.manualRegionLabels = manualRegionLabels
        self.exclusionLabels = exclusionLabels
        self.review = review
        self.video = video
    }

    /// The encoder settings.
    public struct Encoding: Encodable, Sendable {
        /// `h264` or `hevc`.
        public var codec: String
        /// Constant rate factor.
        public var crf: Int
        /// The x264/x265 preset.
        public var preset: String
        /// Whether harmless container metadata was kept.
        public var keepsHarmlessMetadata: Bool

        /// The settings of `options`.
        public init(_ options: VideoOutputOptions) {
            codec = options.codec.rawValue
            crf = options.effectiveCRF
            preset = options.preset.rawValue
            keepsHarmlessMetadata = options.keepsHarmlessMetadata
        }
    }
}

/// The review behind a render: every decision in log order with who, when, what and why.
public struct ReviewRecord: Encodable, Sendable {
    /// The log's file name.
    public var editsFile: String
    /// The log's SHA-256 when it was rendered.
    public var editsSHA256: String
    /// Every entry, in order.
    public var decisions: [CompiledReview.Decision]
    /// Tracks kept visible, with reasons.
    public var visibleTracks: [CompiledReview.VisibleTrack]
    /// The manual regions' labels.
    public var manualRegionLabels: [String]
    /// Whether the whole video was signed off.
    public var isVideoReviewed: Bool
    /// Tracks rendered without being marked reviewed (only when allowed).
    public var unreviewedTrackIDs: [Int]
    /// Whether an unreviewed export was allowed (flag or logged override).
    public var unreviewedExportAllowed: Bool
}
