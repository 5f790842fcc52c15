/// The tuning of a ``Tracker``; every default is a trade-off, documented where it is set.
///
/// Thresholds compare with `Detection.score` (0…1) and IoU (0…1). The frame
/// counts assume about 30 frames per second; ``scaled(toFramesPerSecond:)`` adapts them.
public struct TrackerConfiguration: Hashable, Sendable {
    /// Detections scoring at least this are "high": they may start tracks and are matched
    /// first. Default 0.5 (ByteTrack). Raising this starts fewer tracks on false positives but
    /// risks leaving real faces to the low-score stage, which cannot start tracks.
    public var highThreshold: Double
    /// Detections scoring below this are ignored. Between this and ``highThreshold`` a
    /// detection can only continue an existing track (ByteTrack's second association).
    /// Default 0.1 (ByteTrack). Raising this drops more clutter but risks losing a track while
    /// the face turns away or blurs and the detector's score sags.
    public var lowThreshold: Double
    /// Minimum IoU between a track's prediction and a high-score detection for them to match.
    /// Default 0.2 (ByteTrack's distance threshold 0.8). Raising this avoids swapping IDs
    /// between close objects but risks losing fast movers, whose predictions overlap less.
    public var highMatchMinimumIoU: Double
    /// Minimum IoU between a track's prediction and a low-score detection. Default 0.5
    /// (ByteTrack): weak evidence needs a close match. Lowering this keeps more tracks alive
    /// but risks a track latching onto nearby clutter.
    public var lowMatchMinimumIoU: Double
    /// Minimum IoU between a tentative track and a high-score detection. Default 0.3
    /// (ByteTrack's 0.7 distance). Lowering this confirms fast movers sooner but risks
    /// confirming two unrelated false positives as one track.
    public var tentativeMatchMinimumIoU: Double
    /// How many matched frames (the first included) confirm a track. Default 2 (ByteTrack).
    /// Raising this suppresses flickering false positives but risks confirming later, which
    /// delays gap filling and lost-track prediction for real objects. High-score detections
    /// are masked either way (see ``LookAheadPlanner``).
    public var confirmationHits: Int
    /// How many frames after its last match a confirmed track stays alive (lost, following its
    /// prediction). Default 30 (ByteTrack; one second at 30 fps). Raising this bridges longer
    /// occlusions and masks where the object probably still is, but risks masks wandering over
    /// empty background and a returning track latching onto a different object.
    public var maxLostFrames: Int
    /// A new track starts with the median velocity of the confirmed tracks matched in the same
    /// frame when there are at least this many (0: never; new tracks start still). Default 3.
    /// In a camera pan every face moves alike, so a face found in the middle of it is predicted
    /// to move with the others instead of standing still; that is what lets a small face seen
    /// only by sparse full-resolution passes be confirmed and followed. Raising this trusts the
    /// crowd only when it is larger; where people walk independently the median of a few is
    /// noise, which the first matched detection corrects.
    public var minimumTracksForSharedMotion: Int
    /// The motion model and its noise.
    public var motionModel: KalmanBoxFilter

    /// A configuration.
    public init(
        highThreshold: Double = 0.5,
        lowThreshold: Double = 0.1,
        highMatchMinimumIoU: Double = 0.2,
        lowMatchMinimumIoU: Double = 0.5,
        tentativeMatchMinimumIoU: Double = 0.3,
        confirmationHits: Int = 2,
        maxLostFrames: Int = 30,
        minimumTracksForSharedMotion: Int = 3,
        motionModel: KalmanBoxFilter = KalmanBoxFilter()
    ) {
        self.minimumTracksForSharedMotion = minimumTracksForSharedMotion
        self.highThreshold = highThreshold
        self.lowThreshold = lowThreshold
        self.highMatchMinimumIoU = highMatchMinimumIoU
        self.lowMatchMinimumIoU = lowMatchMinimumIoU
        self.tentativeMatchMinimumIoU = tentativeMatchMinimumIoU
        self.confirmationHits = confirmationHits
        self.maxLostFrames = maxLostFrames
        self.motionModel = motionModel
    }

    /// The frame rate the default frame counts were chosen for.
    public static let referenceFramesPerSecond: Double = 30

    /// This configuration with ``maxLostFrames`` rescaled from 30 fps to `framesPerSecond`,
    /// so that a track survives the same time whatever the frame rate.
    public func scaled(toFramesPerSecond framesPerSecond: Double) -> TrackerConfiguration {
        var scaled = self
        let factor = framesPerSecond / Self.referenceFramesPerSecond
        scaled.maxLostFrames = max(1, Int((Double(maxLostFrames) * factor).rounded()))
        return scaled
    }

    /// Throws when a value is out of range or contradicts another.
    public func validate() throws(TrackingError) {
        for (name, value) in [
            ("highThreshold", highThreshold), ("lowThreshold", lowThreshold),
            ("highMatchMinimumIoU", highMatchMinimumIoU), ("lowMatchMinimumIoU", lowMatchMinimumIoU),
            ("tentativeMatchMinimumIoU", tentativeMatchMinimumIoU),
        ] where !(0...1).contains(value) {
            throw .invalidConfiguration("\(name) is \(value); it must lie between 0 and 1")
        }
        guard lowThreshold <= highThreshold else {
            throw .invalidConfiguration(
                "lowThreshold (\(lowThreshold)) is above highThreshold (\(highThreshold)); "
                    + "lower it or raise highThreshold"
            )
        }
        guard confirmationHits >= 1 else {
            throw .invalidConfiguration("confirmationHits is \(confirmationHits); it must be at least 1")
        }
        guard minimumTracksForSharedMotion >= 0 else {
            throw .invalidConfiguration(
                "minimumTracksForSharedMotion is \(minimumTracksForSharedMotion); it must not be negative")
        }
        guard maxLostFrames >= 0 else {
            throw .invalidConfiguration("maxLostFrames is \(maxLostFrames); it must not be negative")
        }
    }
}
