public import VeilGeometry
public import VeilVideo

/// What happened to one video; the `video` part of a report. Counts and timings only.
public struct VideoOutcome: Sendable, Codable, Hashable {
    /// One thing the verification pass still found on a masked frame.
    public struct Finding: Sendable, Codable, Hashable {
        public var frame: Int
        public var objectClass: ObjectClass
        public var score: Double
    }

    public var frames: Int
    public var durationSeconds: Double
    public var width: Int
    public var height: Int
    public var rotationDegrees: Double
    /// Detections (at or above the threshold) per class, over all detected frames.
    public var detections: [String: Int]
    /// Distinct tracks per class.
    public var tracks: [String: Int]
    /// Frames with at least one mask.
    public var framesWithMasks: Int
    /// Masked boxes by origin: detected, predicted (tracker), filled (gap fill).
    public var maskedBoxesBySource: [String: Int]
    public var verifyFindings: [Finding]
    public var remaskedFindings: Int
    /// Planned boxes left unmasked because an exclusion region covered them.
    public var excludedBoxes: Int
    /// Frames on which at least one manual region was masked.
    public var framesWithManualRegions: Int
    /// Mean milliseconds per frame spent in each stage (stages overlap in time).
    public var stageMillisecondsPerFrame: [String: Double]
    public var framesPerSecond: Double
    public var elapsedSeconds: Double
    public var peakMemoryMegabytes: Double
    /// Remarks about the output (an odd frame size cut to even).
    public var notes: [String]
    /// Input streams not in the output, with the reason: subtitles (unless kept on request),
    /// data (GPS, telemetry), timecode, attachments, cover art, and audio when dropped on request.
    public var droppedStreams: [DroppedStream] = []
    /// The detection strides that ran, in frames, per class ("face", "plate"), and
    /// "face-full-size" for the full-size face passes (after scaling to the frame rate).
    public var detectionStrides: [String: Int] = [:]
}
