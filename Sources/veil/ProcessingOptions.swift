import ArgumentParser
import Foundation
import VeilPipeline

/// The options `veil anonymize` and `veil batch run` share: what is searched, how it is masked,
/// how photos and videos are written, and how many photos run at once.
struct ProcessingOptions: ParsableArguments {
    @OptionGroup(title: "Detection") var detection: DetectorOptions

    @OptionGroup(title: "Masks") var masks: MaskOptions

    @OptionGroup(title: "Photos") var stills: StillDetectionOptions

    @Option(help: "JPEG/WebP quality (1–100).")
    var quality: Int = AnonymizationSettings().quality

    @OptionGroup(title: "Video detection") var videoDetection: VideoDetectionOptions

    @OptionGroup(title: "Video encoding") var encoding: VideoEncodingOptions

    @OptionGroup(title: "Video streams") var streams: StreamOptions

    @Option(
        help:
            "Most memory (MB) a video's look-ahead may hold in decoded frames. When its frames need more (1 s of 1080p at 30 fps: 118 MB with the queues), each frame is decoded a second time for the detectors instead: flat memory, more CPU. A larger budget (e.g. 128 at 1080p, 480 at 4K) decodes once: 9–19 ms less CPU per 1080p frame for ~80 MB more peak memory."
    )
    var lookaheadMemory: Int = VideoSettings().lookAheadMemoryBytes >> 20

    @Flag(help: "Run the detector again on every masked video frame; report and re-mask what it still finds.")
    var verify = false

    @Flag(help: "If detection fails on a video frame, mask the whole frame instead of stopping.")
    var maskFrameOnFailure = false

    @Flag(
        help:
            "Keep harmless metadata (camera, exposure, dates); never GPS, thumbnails, serials or device names in video."
    )
    var keepMetadata = false

    @Flag(
        help:
            "Anonymize what decodes of a damaged or truncated photo instead of refusing it (the report flags it; a face in the damaged part is not seen)."
    )
    var allowDamaged = false

    @Option(
        help:
            "Still images processed at once (videos run one at a time); default 2, or 1 on a one-core machine (each adds ~50 MB of peak memory)."
    )
    var jobs: Int?

    /// Two photos at once by default: on the 2-core machine two finished 427 web photos in 0.6–0.65×
    /// the time of one at 230–300 MB peak, where a single photo's inference leaves a core idle
    /// between its passes (docs/DECISIONS.md, "Two photos at once by default").
    var stillJobs: Int { jobs ?? min(2, ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard (0...65536).contains(lookaheadMemory) else {
            throw ValidationError("--lookahead-memory must be 0–65536 MB")
        }
    }

    /// The photo and mask settings the options describe (manual regions are the command's).
    var settings: AnonymizationSettings {
        var settings = masks.settings
        settings.targets = detection.targets.classes
        settings.threshold = detection.threshold
        settings.quality = quality
        settings.keepsMetadata = keepMetadata
        settings.acceptsDamagedImages = allowDamaged
        return settings
    }

    /// The video settings the options describe.
    var videoSettings: VideoSettings {
        var settings = VideoSettings()
        videoDetection.apply(to: &settings)
        settings.lookAheadMemoryBytes = lookaheadMemory << 20
        settings.verifies = verify
        settings.masksWholeFrameOnDetectionFailure = maskFrameOnFailure
        settings.output = encoding.output(keepsMetadata: keepMetadata)
        return streams.applied(to: settings)
    }
}
