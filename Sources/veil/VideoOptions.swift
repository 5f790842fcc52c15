public import ArgumentParser
import VeilGeometry
import VeilPipeline
public import VeilVideo

extension VideoOutputOptions.Codec: ExpressibleByArgument {}
extension VideoOutputOptions.Preset: ExpressibleByArgument {}
extension VideoOutputOptions.HardwareAcceleration: ExpressibleByArgument {}

/// How faces and plates are found and followed in video: `anonymize` and `detect`. The
/// defaults are the library's (`VideoSettings()`); the CLI only parses.
struct VideoDetectionOptions: ParsableArguments {
    @Option(help: "Seconds of look-ahead: a face found at time t is also masked this long before t.")
    var lookahead: Double = VideoSettings().lookAheadSeconds

    @Option(
        help:
            "Detect faces on every n-th frame (at --detect-size on every --full-stride-th frame, at --coarse-size on the others); the tracker covers the frames between. Default 2 at 30 fps, scaled to the video's frame rate (any stride given on the command line makes all three frame counts)."
    )
    var detectStride: Int?

    @Option(
        help:
            "Detect plates on every n-th frame; the tracker covers the frames between. Default 8 at 30 fps, scaled to the frame rate (see --detect-stride)."
    )
    var plateStride: Int?

    @Option(help: "Longest side (pixels) faces are detected at in video frames (higher finds smaller faces, slower).")
    var detectSize: Int = VideoSettings().detectionProfile.faceInputSide

    @Option(
        help:
            "Search faces at --detect-size on every n-th frame and at --coarse-size on the other detected frames (small faces are carried by the tracker). Equal to --detect-stride: every pass at --detect-size. Default 4 at 30 fps, scaled to the frame rate (see --detect-stride)."
    )
    var fullStride: Int?

    @Option(help: "Longest side (pixels) of the coarse face passes between full ones.")
    var coarseSize: Int = VideoSettings().coarseDetectionSide

    @Option(
        help:
            "Take the frame in this many strips on the full-size face passes, one per pass in turn, plus the neighbourhoods of the faces being followed (1: every full pass searches the whole frame; 4: cheaper, each part every 16 frames at 30 fps)."
    )
    var fullBands: Int = VideoSettings().fullPassBands

    @Option(
        help:
            "Longest side (pixels) plates are detected at in video frames (higher finds smaller plates, slower: the pass costs about the square)."
    )
    var plateSize: Int = VideoSettings().detectionProfile.plateInputSide

    @Option(
        help:
            "Take the frame in this many strips on the video plate passes, one per pass in turn, plus the neighbourhoods of the plates being followed (1: every plate pass reads the whole frame; 3: each part of the frame every 24 frames at 30 fps)."
    )
    var plateBands: Int = VideoSettings().plateBands

    @Flag(
        help:
            "Run the float32 CenterFace on exactly decoded video frames instead of its 8-bit copy on frames decoded without the deblocking filter (about 2× slower face detection; same recall on faces-masks-dev)."
    )
    var fullPrecision = false

    @Option(
        help:
            "Also search full-resolution tiles of each video frame so faces down to this many pixels are found (several times slower; off by default, when faces from about 30 px at 1080p are found)."
    )
    var videoMinFace: Double?

    @Flag(
        help:
            "Search each detection pass only where the frame changed since the pass last looked there and around tracked faces and plates, with a whole-frame search at least once a second (faster on a still camera; may miss weak small faces between whole-frame searches)."
    )
    var detectChanges = false

    func validate() throws {
        guard lookahead >= 0, lookahead <= 10 else { throw ValidationError("--lookahead must be 0–10 seconds") }
        guard (detectStride ?? 1) >= 1, (plateStride ?? 1) >= 1 else {
            throw ValidationError("--detect-stride and --plate-stride must be at least 1")
        }
        guard detectSize >= 128, coarseSize >= 128, plateSize >= 128 else {
            throw ValidationError("--detect-size, --coarse-size and --plate-size must be at least 128")
        }
        guard (1...8).contains(plateBands) else { throw ValidationError("--plate-bands must be 1–8") }
        guard (fullStride ?? 1) >= 1 else { throw ValidationError("--full-stride must be at least 1") }
        guard (1...16).contains(fullBands) else { throw ValidationError("--full-bands must be 1–16") }
        if let videoMinFace, !(4...200).contains(videoMinFace) {
            throw ValidationError("--video-min-face must be between 4 and 200 pixels")
        }
    }

    /// `settings` with this schedule applied.
    func apply(to settings: inout VideoSettings) {
        settings.lookAheadSeconds = lookahead
        settings.detectionStride = detectStride ?? settings.detectionStride
        settings.plateDetectionStride = plateStride ?? settings.plateDetectionStride
        settings.fullDetectionStride = fullStride ?? settings.fullDetectionStride
        // Strides typed on the command line are frame counts; the defaults follow the frame rate.
        settings.stridesFollowFrameRate = detectStride == nil && plateStride == nil && fullStride == nil
        settings.coarseDetectionSide = coarseSize
        settings.fullPassBands = fullBands
        settings.detectionProfile.faceInputSide = detectSize
        settings.detectionProfile.plateInputSide = plateSize
        settings.plateBands = plateBands
        settings.searchesChangedRegionsOnly = detectChanges
        if fullPrecision {
            settings.detectionProfile.precision = .float32
            settings.detectionDecoding = .exact
        }
        if let videoMinFace {
            settings.detectionProfile.allowsTiling = true
            settings.detectionProfile.smallestFace = videoMinFace
        }
    }
}

/// How the output video is encoded: `anonymize` and `render`.
struct VideoEncodingOptions: ParsableArguments {
    @Option(help: "Video codec of the output: h264, or h265 when FFmpeg has libx265.")
    var codec: VideoOutputOptions.Codec = .h264

    @Option(help: "Constant rate factor (lower: better quality, bigger file; default 23 for h264, 28 for h265).")
    var crf: Int?

    @Option(help: "Encoder speed preset.")
    var preset: VideoOutputOptions.Preset = .veryfast

    @Option(
        help:
            "Decode and encode video on an NVIDIA GPU: cuda (NVDEC and NVENC, needs the driver's video libraries), or none."
    )
    var hwaccel: VideoOutputOptions.HardwareAcceleration = .none

    func validate() throws {
        if let crf, !(0...51).contains(crf) { throw ValidationError("--crf must be between 0 and 51") }
    }

    func output(keepsMetadata: Bool) -> VideoOutputOptions {
        var options = VideoOutputOptions(codec: codec, crf: crf, preset: preset, keepsHarmlessMetadata: keepsMetadata)
        options.hardwareAcceleration = hwaccel
        return options
    }
}

/// Progress on stderr: `anonymize`, `detect` and `render`.
struct ProgressOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Errors only: no progress line, no summary.")
    var quiet = false

    @Flag(
        help:
            "Progress as JSON Lines on stderr (versioned events, ending with `done` or `failed`; nothing else is written to stderr)."
    )
    var jsonProgress = false

    func validate() throws {
        guard !(quiet && jsonProgress) else {
            throw ValidationError("--quiet and --json-progress contradict each other; pick one")
        }
    }

    var mode: ProgressReporter.Mode { jsonProgress ? .json : (quiet ? .silent : .terminal) }
}
