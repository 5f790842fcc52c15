public import Foundation
public import VeilDetection
public import VeilGeometry
public import VeilMasking

/// The JSON report of a run (`veil anonymize --report`): which models and settings made each
/// output, per-file SHA-256 of input and output (chain of custody), counts and timings.
///
/// Personal data: the report holds the input's path relative to the folder given on the
/// command line (file and folder names can name people or places), the output's path relative
/// to the output folder, and the labels the user gave manual regions and exclusions. It never
/// holds pixels, crops, boxes, landmarks, face descriptors, metadata read from the media
/// (EXIF, GPS, device names), absolute paths or the user's name. Every field is described in
/// the README ("The report").
public struct BatchReport: Codable, Sendable {
    /// The value of ``schema``.
    public static let schemaName = "veil-report"
    /// The value of ``schemaVersion``. 2: per-file SHA-256, `kind`, `output`, video settings,
    /// `detections`/`tracks` instead of `counts`, `totals` as an object.
    public static let currentSchemaVersion = 2

    /// Settings that shaped every output of the run.
    public struct Settings: Codable, Sendable {
        /// Classes masked.
        public var targets: [ObjectClass]
        /// Minimum detector score.
        public var threshold: Double
        /// The mask style.
        public var mask: MaskStyle
        /// The mask's ISO/IEC 20889:2018 classification (``MaskStyle/technique``), e.g.
        /// "generalization with randomization (noise addition)" for `layered`.
        public var maskTechnique: String
        /// The face mask shape.
        public var faceShape: MaskShape
        /// Growth of face boxes before masking.
        public var faceMargin: Margin
        /// Growth of plate boxes before masking.
        public var plateMargin: Margin
        /// The mask's own parameters (cells, noise, blur).
        public var maskSettings: MaskSettings
        /// Whether harmless metadata was kept (never GPS, thumbnails, serials).
        public var keepsMetadata: Bool
        /// Whether damaged photos were processed (what decoded of them) instead of refused.
        public var acceptsDamagedImages: Bool
        /// Labels of manual regions (the user's own words, e.g. "badge"); no boxes.
        public var manualRegionLabels: [String]
        /// Labels of exclusions (e.g. "interviewer, consented"); no boxes.
        public var exclusionLabels: [String]
        /// Settings of still images; nil when the run had none.
        public var image: ImageSettings?
        /// Settings of videos; nil when the run had none.
        public var video: VideoReportSettings?
    }

    /// What shaped still-image outputs.
    public struct ImageSettings: Codable, Sendable, Hashable {
        /// JPEG/WebP quality, 1…100.
        public var quality: Int
        /// The smallest face (pixels) a photo was searched for (tiles below the default).
        public var smallestFace: Double
        /// The longest side faces were detected at before tiling.
        public var detectionSide: Int
        /// How small photos were enlarged for the face pass: "guided" (only around the small
        /// faces a 1× pass found, ``GuidedEnlargement``) or "whole"; nil in reports written before
        /// the field existed.
        public var enlargement: String?
        /// Where the plate pass read photos: "guided" (only around the text a first look at
        /// the photo's own size, or at least 640 px, proposes; ``GuidedPlateScan``) or "whole";
        /// nil in reports written before the field existed.
        public var plateScan: String?

        /// The settings of `profile` at `quality`.
        public init(quality: Int, profile: DetectionProfile = .stills) {
            self.quality = quality
            smallestFace = profile.smallestFace
            detectionSide = profile.faceInputSide
            enlargement = profile.guidedEnlargement == nil ? "whole" : "guided"
            plateScan = profile.guidedPlates == nil ? "whole" : "guided"
        }
    }

    /// Every setting that shaped a video output, as requested (the strides that ran, scaled
    /// to each video's frame rate, are in each file's `video.detectionStrides`).
    public struct VideoReportSettings: Codable, Sendable, Hashable {
        /// "h264" or "h265".
        public var codec: String
        /// The constant rate factor the encoder used (the codec's default when none was given).
        public var crf: Int
        /// The x264/x265 preset.
        public var preset: String
        /// Seconds of look-ahead.
        public var lookAheadSeconds: Double
        /// The most memory (MB) the look-ahead could hold in decoded frames
        /// (``VideoSettings/lookAheadMemoryBytes``, `--lookahead-memory`); nil in older reports.
        public var lookAheadMemoryMegabytes: Int?
        /// Faces detected on every n-th frame (at 30 fps, see ``stridesFollowFrameRate``).
        public var detectionStride: Int
        /// Faces searched at ``detectionSide`` on every n-th frame, at ``coarseDetectionSide``
        /// on the detected frames between.
        public var fullDetectionStride: Int
        /// Plates detected on every n-th frame.
        public var plateDetectionStride: Int
        /// Whether the strides above were scaled to each video's frame rate.
        public var stridesFollowFrameRate: Bool
        /// Longest side of the full face passes (pixels).
        public var detectionSide: Int
        /// Longest side of the coarse face passes (pixels).
        public var coarseDetectionSide: Int
        /// Strips the full-size face passes take the frame in (``VideoSettings/fullPassBands``);
        /// nil in older reports.
        public var fullPassBands: Int?
        /// Strips the video plate passes take the frame in (``VideoSettings/plateBands``); nil in
        /// older reports.
        public var plateBands: Int?
        /// Longest side plates were detected at (pixels).
        public var plateDetectionSide: Int
        /// "int8" or "float32" CenterFace weights.
        public var precision: String
        /// How the pictures only the detectors saw were decoded: "forDetection" (no deblocking
        /// filter) or "exact" (see ``VideoSettings/detectionDecoding``); nil in older reports.
        public var detectionDecoding: String?
        /// With tiles: the smallest face searched for (pixels); nil without tiles.
        public var tiledSmallestFace: Double?
        /// Whether every masked frame was detected again.
        public var verifies: Bool
        /// Whether a frame whose detection failed was masked whole instead of stopping.
        public var masksWholeFrameOnDetectionFailure: Bool
        /// Whether harmless container metadata (title, language) was kept.
        public var keepsHarmlessMetadata: Bool
        /// "cuda" when NVDEC decoded and NVENC (``encoder``) encoded (`--hwaccel cuda`; the
        /// preset then maps to NVENC's nearest p1–p7); nil for software decoding and encoding.
        public var hardwareAcceleration: String?
        /// The FFmpeg encoder, with hardware acceleration only ("h264_nvenc"); nil for the codec's
        /// software encoder.
        public var encoder: String?

        /// The report's view of `settings`.
        public init(_ settings: VideoSettings) {
            codec = settings.output.codec.rawValue
            crf = settings.output.effectiveCRF
            preset = settings.output.preset.rawValue
            lookAheadSeconds = settings.lookAheadSeconds
            lookAheadMemoryMegabytes = settings.lookAheadMemoryBytes >> 20
            detectionStride = settings.detectionStride
            fullDetectionStride = settings.fullDetectionStride
            plateDetectionStride = settings.plateDetectionStride
            stridesFollowFrameRate = settings.stridesFollowFrameRate
            detectionSide = settings.detectionProfile.faceInputSide
            coarseDetectionSide = settings.coarseDetectionSide
            fullPassBands = settings.fullPassBands
            plateBands = settings.plateBands
            plateDetectionSide = settings.detectionProfile.plateInputSide
            precision = settings.detectionProfile.precision.rawValue
            detectionDecoding = settings.detectionDecoding.rawValue
            tiledSmallestFace = settings.detectionProfile.allowsTiling ? settings.detectionProfile.smallestFace : nil
            verifies = settings.verifies
            masksWholeFrameOnDetectionFailure = settings.masksWholeFrameOnDetectionFailure
            keepsHarmlessMetadata = settings.output.keepsHarmlessMetadata
            let isAccelerated = settings.output.hardwareAcceleration != .none
            hardwareAcceleration = isAccelerated ? settings.output.hardwareAcceleration.rawValue : nil
            encoder = isAccelerated ? settings.output.encoderName : nil
        }
    }

    /// One input file.
    public struct FileEntry: Codable, Sendable {
        /// The input's path relative to the folder it was found in (or its file name).
        public var path: String
        /// "image" or "video".
        public var kind: MediaKind?
        /// "ok" or "failed".
        public var status: String
        /// Why it failed.
        public var error: String?
        /// The output's path relative to the output folder (or its file name).
        public var output: String?
        /// SHA-256 of the input as read (lowercase hex).
        public var inputSHA256: String?
        /// SHA-256 of the output as written.
        public var outputSHA256: String?
        /// Width in pixels (after EXIF orientation for stills; coded width for video).
        public var width: Int?
        /// Height in pixels.
        public var height: Int?
        /// Detector hits masked, per class. A still: one per object. A video: summed over
        /// every detected frame (one face on 100 frames counts 100); see ``tracks``.
        public var detections: ClassCounts?
        /// Video only: distinct tracks per class, about one per object that appeared.
        public var tracks: ClassCounts?
        /// Still only: milliseconds per stage.
        public var timings: StageTimings?
        /// Still only: detections left unmasked by an exclusion region.
        public var excludedDetections: Int?
        /// Still only: manual regions masked.
        public var manualRegions: Int?
        /// Video only: frames, tracks, per-stage ms/frame, strides that ran, memory.
        public var video: VideoOutcome?
        /// For a damaged photo processed on request (``AnonymizationSettings/acceptsDamagedImages``):
        /// what the decoder met. Parts of the picture may be grey or smeared, and a face in them
        /// was not seen by the detector.
        public var damage: String?
    }

    /// Totals over the files that succeeded.
    public struct Totals: Codable, Sendable {
        /// Inputs, failed ones included.
        public var files: Int
        /// Inputs anonymized.
        public var succeeded: Int
        /// Inputs that failed (also ``BatchReport/failedCount``).
        public var failed: Int
        /// Stills anonymized.
        public var images: Int
        /// Videos anonymized.
        public var videos: Int
        /// Detections over all files (see ``FileEntry/detections``).
        public var detections: ClassCounts
        /// Tracks over all videos.
        public var tracks: ClassCounts
    }

    /// Always ``schemaName``: what this document is.
    public var schema = BatchReport.schemaName
    /// The layout's version; raised whenever a field changes meaning or is removed.
    public var schemaVersion = BatchReport.currentSchemaVersion
    /// "veil".
    public var tool = "veil"
    /// The tool's version.
    public var version: String
    /// The still-image detector (or the video one when the run had no stills).
    public var detector: String
    /// Every model used, with its SHA-256.
    public var models: [ModelFingerprint]
    /// The video detector, when it differs from ``detector``.
    public var videoDetector: String?
    /// The inference runtime and its version: "onnxruntime 1.32.0", or "onnxruntime-gpu 1.31.1"
    /// when the GPU runtime ran the models.
    public var runtime: String
    /// The ONNX Runtime execution providers the models ran with, in priority order: just
    /// "CPUExecutionProvider", or "CUDAExecutionProvider" (and "TensorrtExecutionProvider")
    /// before it after a GPU run. Nil in reports written before Veil recorded it.
    public var executionProviders: [String]?
    /// The run's settings.
    public var settings: Settings
    /// One entry per input, planning failures first.
    public var files: [FileEntry]
    /// Sums over the files.
    public var totals: Totals
    /// Inputs that failed.
    public var failedCount: Int
    /// Wall time of the whole run.
    public var elapsedSeconds: Double

    /// The report of a finished run.
    ///
    /// - Parameters:
    ///   - version: the tool's version.
    ///   - detector: the still-image detector (or the video one).
    ///   - videoDetector: the video detector when the run had both kinds.
    ///   - settings: the run's settings.
    ///   - videoSettings: the video settings; nil when no video was planned.
    ///   - imageSettings: the still settings; nil when no still was planned.
    ///   - results: what `BatchRunner.run(_:progress:videoProgress:finished:)` returned.
    ///   - planningErrors: inputs that failed before running (missing, empty folders).
    ///   - outputRoot: the output folder; outputs are named relative to it.
    ///   - elapsedSeconds: wall time of the run.
    public init(
        version: String,
        detector: any ObjectDetector,
        videoDetector: (any ObjectDetector)? = nil,
        settings: AnonymizationSettings,
        videoSettings: VideoSettings? = nil,
        imageSettings: ImageSettings? = nil,
        results: [JobResult],
        planningErrors: [(path: String, error: PipelineError)],
        outputRoot: URL? = nil,
        elapsedSeconds: Double
    ) {
        self.version = version
        self.detector = detector.name
        models = Array(Set(detector.models + (videoDetector?.models ?? []))).sorted { $0.name < $1.name }
        self.videoDetector = videoDetector?.name
        let providers = InferenceSession.providersUsed
        runtime = (providers.count > 1 ? "onnxruntime-gpu " : "onnxruntime ") + InferenceSession.runtimeVersion
        executionProviders = providers
        self.settings = Settings(
            targets: settings.targets.sorted(),
            threshold: settings.threshold,
            mask: settings.masker.style,
            maskTechnique: settings.masker.style.technique,
            faceShape: settings.planner.faceShape,
            faceMargin: settings.planner.faceMargin,
            plateMargin: settings.planner.plateMargin,
            maskSettings: settings.masker.settings,
            keepsMetadata: settings.keepsMetadata,
            acceptsDamagedImages: settings.acceptsDamagedImages,
            manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
            exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" },
            image: imageSettings,
            video: videoSettings.map(VideoReportSettings.init)
        )
        var files = planningErrors.map { failure in
            let name = failure.path.hasPrefix("/") ? URL(fileURLWithPath: failure.path).lastPathComponent : failure.path
            return FileEntry(
                path: name, status: "failed",
                error: Self.withoutAbsolutePaths(failure.error.description, [(failure.path, name)]))
        }
        var totals = Totals(
            files: planningErrors.count + results.count, succeeded: 0, failed: 0, images: 0, videos: 0,
            detections: ClassCounts(), tracks: ClassCounts())
        for result in results {
            var entry = FileEntry(
                path: result.job.relativePath,
                kind: result.job.kind,
                status: "ok",
                output: Self.relativeName(of: result.job.output, under: outputRoot)
            )
            switch result.outcome {
            case .success(.image(let outcome)):
                totals.images += 1
                totals.detections += outcome.detections
                entry.inputSHA256 = outcome.inputSHA256
                entry.outputSHA256 = outcome.outputSHA256
                entry.width = outcome.size.width
                entry.height = outcome.size.height
                entry.detections = outcome.detections
                entry.timings = outcome.timings
                entry.excludedDetections = outcome.excludedDetections
                entry.manualRegions = outcome.manualRegions
                entry.damage = outcome.damage
            case .success(.video(let outcome)):
                totals.videos += 1
                totals.detections += outcome.detections
                totals.tracks += outcome.tracks
                entry.inputSHA256 = outcome.inputSHA256
                entry.outputSHA256 = outcome.outputSHA256
                entry.width = outcome.width
                entry.height = outcome.height
                entry.detections = outcome.detections
                entry.tracks = outcome.tracks
                entry.video = outcome
            case .failure(let error):
                entry.status = "failed"
                let input = result.job.input
                let output = result.job.output
                let outputName = entry.output ?? output.lastPathComponent
                entry.error = Self.withoutAbsolutePaths(
                    error.description,
                    [
                        (input.standardizedFileURL.path, result.job.relativePath),
                        (input.path, result.job.relativePath),
                        (output.standardizedFileURL.path, outputName), (output.path, outputName),
                    ])
                entry.output = nil
            }
            files.append(entry)
        }
        self.files = files
        failedCount = files.filter { $0.status == "failed" }.count
        totals.failed = failedCount
        totals.succeeded = totals.files - failedCount
        self.totals = totals
        self.elapsedSeconds = elapsedSeconds
    }

    /// `message` with each absolute path of `replacements` (longest first) replaced by its
    /// report name: error messages name files by their full path for the terminal, and the
    /// report never holds an absolute path (it could hold the user's name).
    static func withoutAbsolutePaths(_ message: String, _ replacements: [(path: String, name: String)]) -> String {
        var message = message
        for (path, name) in replacements.sorted(by: { $0.path.count > $1.path.count }) where path.hasPrefix("/") {
            message = message.replacingOccurrences(of: path, with: name)
        }
        return message
    }

    /// `output`'s path below `root`, or its file name when it is not below it (a single-file
    /// run); never an absolute path, which could hold the user's name.
    static func relativeName(of output: URL, under root: URL?) -> String {
        if let root {
            let base = root.standardizedFileURL.path
            let path = output.standardizedFileURL.path
            if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        }
        return output.lastPathComponent
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
