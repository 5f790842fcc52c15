public import Foundation
public import VeilDetection
public import VeilGeometry
import VeilMasking
public import VeilMedia

/// What happened to one still image.
public struct ImageOutcome: Sendable, Codable, Hashable {
    /// The decoded size in pixels (after EXIF orientation).
    public var size: PixelSize
    /// Detections at or above the threshold that were masked, per class (exclusions
    /// removed). In a still, each detection is one object.
    public var detections: ClassCounts
    /// SHA-256 of the input's bytes as read, lowercase hex (chain of custody).
    public var inputSHA256: String
    /// SHA-256 of the output's bytes as written.
    public var outputSHA256: String
    /// Detections left unmasked because an exclusion region covered them.
    public var excludedDetections: Int = 0
    /// Manual regions masked.
    public var manualRegions: Int = 0
    /// Where the time went.
    public var timings: StageTimings
    /// The damage the decoder met (``AnonymizationSettings/acceptsDamagedImages`` was on and
    /// only what decoded was processed); nil for an intact image.
    public var damage: String?
}

/// Milliseconds spent per stage.
public struct StageTimings: Sendable, Codable, Hashable {
    /// Reading and decoding the input.
    public var decodeMilliseconds: Double = 0
    /// Detection and mask planning.
    public var detectMilliseconds: Double = 0
    /// Painting the masks.
    public var maskMilliseconds: Double = 0
    /// Encoding and writing the output.
    public var encodeMilliseconds: Double = 0

    /// All zero.
    public init() {}

    /// The sum of the stages.
    public var totalMilliseconds: Double {
        decodeMilliseconds + detectMilliseconds + maskMilliseconds + encodeMilliseconds
    }
}

/// Anonymizes one still image: decode (EXIF orientation applied) → detect → plan → mask →
/// encode without metadata → write atomically.
public struct ImageAnonymizer: Sendable {
    /// Finds what to mask.
    public let detector: any ObjectDetector
    /// How outputs look.
    public let settings: AnonymizationSettings

    /// An anonymizer running `detector` with `settings`.
    public init(detector: any ObjectDetector, settings: AnonymizationSettings) {
        self.detector = detector
        self.settings = settings
    }

    /// Detections and the regions that would be masked, without painting (for evaluation).
    public func plan(for image: Image) throws(PipelineError) -> (detections: [Detection], regions: [MaskRegion]) {
        let (detections, regions, _) = try planWithExclusions(for: image)
        return (detections, regions)
    }

    /// Detections (exclusions applied), the regions to paint (manual regions included), and
    /// how many detections an exclusion removed.
    func planWithExclusions(for image: Image) throws(PipelineError) -> (
        detections: [Detection], regions: [MaskRegion], excluded: Int
    ) {
        let found: [Detection]
        do {
            found = try detector.detect(in: image).filter {
                $0.score >= settings.threshold && settings.targets.contains($0.objectClass)
            }
        } catch {
            throw .detection(error)
        }
        let (kept, excluded) = settings.userRegions.applyingExclusions(to: found, at: nil)
        let regions = settings.planner.regions(for: kept, in: image.size) + settings.userRegions.masks(at: nil)
        return (kept, regions, excluded)
    }

    /// Anonymizes `input` into `output`. Nothing is written under `output` unless every stage
    /// succeeded; the input is never modified.
    public func anonymize(input: URL, output: URL) throws(PipelineError) -> ImageOutcome {
        guard
            input.standardizedFileURL.resolvingSymlinksInPath() != output.standardizedFileURL.resolvingSymlinksInPath()
        else { throw .outputIsInput(path: output.path) }
        guard let format = ImageFormat(fileExtension: output.pathExtension) else {
            throw .media(.unsupportedOutputFormat(extension: output.pathExtension))
        }
        var timings = StageTimings()
        var clock = Stopwatch()
        var image: Image
        let original: Data
        let damage: String?
        do throws(MediaError) {
            original = try ImageCodec.readData(input)
            try ImageCodec.acceptedHeader(of: original, path: input.path)
            damage = ImageIntegrity.damage(in: original)
            if let damage, !settings.acceptsDamagedImages { throw MediaError.damaged(path: input.path, reason: damage) }
            image = try ImageCodec.decode(original, path: input.path)
        } catch {
            throw .media(error)
        }
        timings.decodeMilliseconds = clock.lap()
        let (detections, regions, excluded) = try planWithExclusions(for: image)
        timings.detectMilliseconds = clock.lap()
        do {
            try settings.masker.apply(regions, to: &image)
        } catch {
            throw .masking(error)
        }
        timings.maskMilliseconds = clock.lap()
        var encoded: Data
        do {
            encoded = try ImageCodec.encode(image, format: format, quality: settings.quality)
            if settings.keepsMetadata, format == .jpg {
                encoded = MetadataTransfer.copyingSafeEXIF(from: original, into: encoded)
            }
            try AtomicFile.write(encoded, to: output)
        } catch {
            throw .media(error)
        }
        timings.encodeMilliseconds = clock.lap()
        return ImageOutcome(
            size: image.size,
            detections: ClassCounts(Dictionary(grouping: detections, by: \.objectClass).mapValues(\.count)),
            inputSHA256: SHA256.hex(of: original),
            outputSHA256: SHA256.hex(of: encoded),
            excludedDetections: excluded,
            manualRegions: settings.userRegions.regions.count,
            timings: timings,
            damage: damage
        )
    }
}

/// Wall-clock lap timer.
struct Stopwatch {
    private var last = DispatchTime.now()

    /// Milliseconds since the previous lap (or creation).
    mutating func lap() -> Double {
        let now = DispatchTime.now()
        defer { last = now }
        return Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e6
    }
}
