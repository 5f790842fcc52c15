public import ArgumentParser
import VeilGeometry
import VeilPipeline
public import VeilVideo

extension VideoOutputOptions.Codec: ExpressibleByArgument {}
extension VideoOutputOptions.Preset: ExpressibleByArgument {}

/// Options that only apply to videos.
struct VideoOptions: ParsableArguments {
    @Option(help: "Video codec of the output: h264, or h265 when FFmpeg has libx265.")
    var codec: VideoOutputOptions.Codec = .h264

    @Option(help: "Constant rate factor (lower: better quality, bigger file; default 23 for h264, 28 for h265).")
    var crf: Int?

    @Option(help: "Encoder speed preset.")
    var preset: VideoOutputOptions.Preset = .veryfast

    @Option(help: "Seconds of look-ahead: a face found at time t is also masked this long before t.")
    var lookahead: Double = VideoSettings().lookAheadSeconds

    @Option(
        help:
            "Detect faces on every n-th frame (at --detect-size on every --full-stride-th frame, at --coarse-size on the others); the tracker covers the frames between. Default 2 at 30 fps, scaled to the video's frame rate (any stride given on the command line makes all three frame counts)."
    )
    var detectStride: Int?

    @Option(
        help:
            "Detect plates on every n-th frame; the tracker covers the frames between. Default 4 at 30 fps, scaled to the frame rate (see --detect-stride)."
    )
    var plateStride: Int?

    @Option(help: "Longest side (pixels) faces are detected at in video frames (higher finds smaller faces, slower).")
    var detectSize: Int = DetectionProfile.video.faceInputSide

    @Option(
        help:
            "Search faces at --detect-size on every n-th frame and at --coarse-size on the other detected frames (small faces are carried by the tracker). Equal to --detect-stride: every pass at --detect-size. Default 4 at 30 fps, scaled to the frame rate (see --detect-stride)."
    )
    var fullStride: Int?

    @Option(help: "Longest side (pixels) of the coarse face passes between full ones.")
    var coarseSize: Int = VideoSettings().coarseDetectionSide

    @Flag(
        help:
            "Run the float32 CenterFace on video frames instead of its 8-bit copy (about 2× slower face detection; same recall on faces-masks-dev)."
    )
    var fullPrecision = false

    @Option(
        help:
            "Also search full-resolution tiles of each video frame so faces down to this many pixels are found (several times slower; off by default, when faces from about 30 px at 1080p are found)."
    )
    var videoMinFace: Double?

    @Flag(help: "Run the detector again on every masked frame; report and re-mask what it still finds.")
    var verify = false

    @Flag(help: "If detection fails on a frame, mask the whole frame instead of stopping.")
    var maskFrameOnFailure = false

    func validate() throws {
        if let crf, !(0...51).contains(crf) { throw ValidationError("--crf must be between 0 and 51") }
        guard lookahead >= 0, lookahead <= 10 else { throw ValidationError("--lookahead must be 0–10 seconds") }
        guard (detectStride ?? 1) >= 1, (plateStride ?? 1) >= 1 else {
            throw ValidationError("--detect-stride and --plate-stride must be at least 1")
        }
        guard detectSize >= 128, coarseSize >= 128 else {
            throw ValidationError("--detect-size and --coarse-size must be at least 128")
        }
        guard (fullStride ?? 1) >= 1 else { throw ValidationError("--full-stride must be at least 1") }
        if let videoMinFace, !(4...200).contains(videoMinFace) {
            throw ValidationError("--video-min-face must be between 4 and 200 pixels")
        }
    }

    func settings(keepsMetadata: Bool) -> VideoSettings {
        var settings = VideoSettings()
        settings.lookAheadSeconds = lookahead
        settings.detectionStride = detectStride ?? settings.detectionStride
        settings.plateDetectionStride = plateStride ?? settings.plateDetectionStride
        settings.fullDetectionStride = fullStride ?? settings.fullDetectionStride
        // Strides typed on the command line are frame counts; the defaults follow the frame rate.
        settings.stridesFollowFrameRate = detectStride == nil && plateStride == nil && fullStride == nil
        settings.coarseDetectionSide = coarseSize
        settings.verifies = verify
        settings.masksWholeFrameOnDetectionFailure = maskFrameOnFailure
        settings.output = VideoOutputOptions(
            codec: codec, crf: crf, preset: preset, keepsHarmlessMetadata: keepsMetadata)
        return settings
    }

    /// One detector per target class, each with its stride; faces with coarse passes between
    /// full ones when the schedule asks for them.
    func detectors(_ detection: DetectionOptions) throws -> [VideoAnonymizer.ClassDetector] {
        let defaults = VideoSettings()
        let detectStride = detectStride ?? defaults.detectionStride
        let plateStride = plateStride ?? defaults.plateDetectionStride
        let fullStride = fullStride ?? defaults.fullDetectionStride
        return try detection.targets.classes.sorted().map { objectClass in
            let detector = try detection.makeDetector(profile: profile, targets: [objectClass])
            guard objectClass == .face else {
                // Plates run between the full-size face passes (see ClassDetector.isStaggered).
                return VideoAnonymizer.ClassDetector(
                    objectClass: objectClass, detector: detector, stride: plateStride, isStaggered: true)
            }
            guard fullStride > detectStride, let coarse = detector.coarsened(toSide: coarseSize) else {
                return VideoAnonymizer.ClassDetector(objectClass: objectClass, detector: detector, stride: detectStride)
            }
            return VideoAnonymizer.ClassDetector(
                objectClass: objectClass,
                detector: detector,
                stride: fullStride,
                coarse: VideoAnonymizer.CoarsePass(detector: coarse, stride: detectStride)
            )
        }
    }

    var profile: DetectionProfile {
        var profile = DetectionProfile.video
        profile.faceInputSide = detectSize
        if fullPrecision { profile.precision = .float32 }
        if let videoMinFace {
            profile.allowsTiling = true
            profile.smallestFace = videoMinFace
        }
        return profile
    }
}
