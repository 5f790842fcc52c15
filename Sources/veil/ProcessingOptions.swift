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
        settings.verifies = verify
        settings.masksWholeFrameOnDetectionFailure = maskFrameOnFailure
        settings.output = encoding.output(keepsMetadata: keepMetadata)
        return streams.applied(to: settings)
    }
}
