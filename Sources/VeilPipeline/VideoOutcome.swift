public import VeilGeometry
public import VeilVideo

/// What happened to one video; the `video` part of a report. Counts and timings only.
public struct VideoOutcome: Sendable, Codable, Hashable {
    /// One thing the verification pass still found on a masked frame.
    public struct Finding: Sendable, Codable, Hashable {
        /// The frame's index, from 0.
        public var frame: Int
        /// What was found.
        public var objectClass: ObjectClass
        /// The detector's score.
        public var score: Double
    }

    /// SHA-256 of the input file, lowercase hex (chain of custody); nil when no video was
    /// written (`detectPlans`: the tracks file records it).
    public var inputSHA256: String?
    /// SHA-256 of the output file as written; nil when no video was written (`detectPlans`).
    public var outputSHA256: String?
    /// Frames written (or, for `detectPlans`, read).
    public var frames: Int
    /// The input's duration in seconds.
    public var durationSeconds: Double
    /// Coded width in pixels.
    public var width: Int
    /// Coded height in pixels.
    public var height: Int
    /// The display rotation carried over to the output.
    public var rotationDegrees: Double
    /// Detector hits at or above the threshold per class, summed over every frame a detector
    /// ran on: one face seen on 100 detected frames counts 100. Not a number of people.
    public var detections: ClassCounts
    /// Distinct tracks per class: about one per object that appeared (an object lost for
    /// longer than the tracker's buffer comes back as a new track).
    public var tracks: ClassCounts
    /// Frames with at least one mask.
    public var framesWithMasks: Int
    /// Masked boxes by origin: detected, predicted (tracker), filled (gap fill).
    public var maskedBoxesBySource: [String: Int]
    /// What `verify` still found on masked frames.
    public var verifyFindings: [Finding]
    /// How many of ``verifyFindings`` were masked again.
    public var remaskedFindings: Int
    /// Planned boxes left unmasked because an exclusion region covered them.
    public var excludedBoxes: Int
    /// Frames on which at least one manual region was masked.
    public var framesWithManualRegions: Int
    /// Mean milliseconds per frame spent in each stage (stages overlap in time).
    public var stageMillisecondsPerFrame: [String: Double]
    /// Mean milliseconds of CPU per frame each stage used on Veil's own threads (robust to a
    /// loaded machine, unlike wall time): `decode` and `encode` (the calls into FFmpeg; its
    /// codec threads are not counted), `shrink` (copies for the detectors), one entry per
    /// detected class (`face`, `plate`), `tracking`, `mask`.
    public var stageCPUMillisecondsPerFrame: [String: Double]
    /// Frames written per second of wall time.
    public var framesPerSecond: Double
    /// Wall time of the run in seconds.
    public var elapsedSeconds: Double
    /// The process's peak resident memory so far, in MB.
    public var peakMemoryMegabytes: Double
    /// Remarks about the output (an odd frame size cut to even).
    public var notes: [String]
    /// Input streams not in the output, with the reason: subtitles (unless kept on request),
    /// data (GPS, telemetry), timecode, attachments, cover art, and audio when dropped on request.
    public var droppedStreams: [DroppedStream] = []
    /// The detection strides that ran, in frames, per class ("face", "plate"), and
    /// "face-full-size" for the full-size face passes (after scaling to the frame rate).
    public var detectionStrides: [String: Int] = [:]
    /// The share of the frames' area the detection passes searched, over every pass that ran
    /// (1: each pass searched whole frames; less with change-driven detection, see
    /// ``VideoSettings/searchesChangedRegionsOnly``); nil when no detector ran (render).
    public var searchedAreaFraction: Double?
    /// The share of the frames' area the plate passes read, averaged over those passes (1:
    /// whole frames; less in strips, see ``VideoSettings/plateBands``); nil when no plate pass
    /// ran in strips.
    public var plateSearchedFraction: Double?
    /// Frames the detectors' own decoder (the scout, 1080p and up) did not decode because no
    /// detection pass was due on them and no other frame refers to them
    /// (``VideoSettings/skipsFramesWithoutPasses``); each is still decoded exactly for the output
    /// and masked like any frame between passes. Nil when no scout ran or it could not skip
    /// (codec or stream not regular enough).
    public var scoutSkippedFrames: Int?
}
