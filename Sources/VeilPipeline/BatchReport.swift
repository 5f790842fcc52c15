public import Foundation
public import VeilDetection
public import VeilGeometry
public import VeilMasking

/// The JSON report of a run: what was done with which models and settings, per-file counts
/// and timings. Never contains pixels, crops, descriptors or names of people.
public struct BatchReport: Codable, Sendable {
    public struct Settings: Codable, Sendable {
        public var targets: [ObjectClass]
        public var threshold: Double
        public var mask: MaskStyle
        public var faceShape: MaskShape
        public var faceMargin: Margin
        public var plateMargin: Margin
        public var maskSettings: MaskSettings
        public var quality: Int
        public var keepsMetadata: Bool
        /// Whether damaged photos were processed (what decoded of them) instead of refused.
        public var acceptsDamagedImages: Bool
        /// Labels of manual regions and of exclusions (the user's own words, e.g. "badge",
        /// "interviewer, consented"); no boxes.
        public var manualRegionLabels: [String]
        public var exclusionLabels: [String]
    }

    public struct FileEntry: Codable, Sendable {
        public var path: String
        public var status: String
        public var error: String?
        public var width: Int?
        public var height: Int?
        public var counts: [String: Int]?
        public var timings: StageTimings?
        public var excludedDetections: Int?
        public var manualRegions: Int?
        public var video: VideoOutcome?
        /// For a damaged photo processed on request (``AnonymizationSettings/acceptsDamagedImages``):
        /// what the decoder met. Parts of the picture may be grey or smeared, and a face in them
        /// was not seen by the detector.
        public var damage: String?
    }

    public var tool = "veil"
    public var version: String
    public var detector: String
    public var models: [ModelFingerprint]
    public var videoDetector: String?
    public var runtime: String
    public var settings: Settings
    public var files: [FileEntry]
    public var totals: [String: Int]
    public var failedCount: Int
    public var elapsedSeconds: Double

    public init(
        version: String,
        detector: any ObjectDetector,
        videoDetector: (any ObjectDetector)? = nil,
        settings: AnonymizationSettings,
        results: [JobResult],
        planningErrors: [(path: String, error: PipelineError)],
        elapsedSeconds: Double
    ) {
        self.version = version
        self.detector = detector.name
        models = Array(Set(detector.models + (videoDetector?.models ?? []))).sorted { $0.name < $1.name }
        self.videoDetector = videoDetector?.name
        runtime = "onnxruntime " + InferenceSession.runtimeVersion
        self.settings = Settings(
            targets: settings.targets.sorted(),
            threshold: settings.threshold,
            mask: settings.masker.style,
            faceShape: settings.planner.faceShape,
            faceMargin: settings.planner.faceMargin,
            plateMargin: settings.planner.plateMargin,
            maskSettings: settings.masker.settings,
            quality: settings.quality,
            keepsMetadata: settings.keepsMetadata,
            acceptsDamagedImages: settings.acceptsDamagedImages,
            manualRegionLabels: settings.userRegions.regions.map { $0.label ?? "unlabelled" },
            exclusionLabels: settings.userRegions.exclusions.map { $0.label ?? "unlabelled" }
        )
        var files = planningErrors.map {
            FileEntry(path: $0.path, status: "failed", error: $0.error.description)
        }
        var totals: [String: Int] = [:]
        for result in results {
            switch result.outcome {
            case .success(.image(let outcome)):
                let counts = MediaOutcome.image(outcome).counts
                totals.merge(counts, uniquingKeysWith: +)
                files.append(
                    FileEntry(
                        path: result.job.relativePath,
                        status: "ok",
                        width: outcome.size.width,
                        height: outcome.size.height,
                        counts: counts,
                        timings: outcome.timings,
                        excludedDetections: outcome.excludedDetections,
                        manualRegions: outcome.manualRegions,
                        damage: outcome.damage
                    )
                )
            case .success(.video(let outcome)):
                totals.merge(outcome.detections, uniquingKeysWith: +)
                files.append(
                    FileEntry(
                        path: result.job.relativePath,
                        status: "ok",
                        width: outcome.width,
                        height: outcome.height,
                        counts: outcome.detections,
                        video: outcome
                    )
                )
            case .failure(let error):
                files.append(FileEntry(path: result.job.relativePath, status: "failed", error: error.description))
            }
        }
        self.files = files
        self.totals = totals
        failedCount = files.filter { $0.status == "failed" }.count
        self.elapsedSeconds = elapsedSeconds
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
