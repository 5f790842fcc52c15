/// The tuning of a ``LookAheadPlanner``; every default is a trade-off, documented where it is
/// set. Frame counts assume about 30 frames per second; ``scaled(toFramesPerSecond:)`` adapts
/// them.
public struct LookAheadConfiguration: Hashable, Sendable {
    /// How many frames a frame waits for before its plan is final (the look-ahead delay).
    /// Default 30: one second at 30 fps. Raising this fills longer gaps backwards and
    /// interpolates across longer misses, but the video pipeline must hold this many decoded
    /// frames in memory (about 2.6 MB each at 720p, 25 MB at 4K).
    public var lookAheadFrames: Int
    /// How many frames before its first detection a late-confirmed track is filled backwards.
    /// Only frames still in the look-ahead window can be filled, so values above
    /// ``lookAheadFrames`` act like it. Default 30. Raising this covers objects that were
    /// missed for longer before being found, but risks masking an empty spot the object had
    /// not reached yet.
    public var backwardFillFrames: Int
    /// How backward-filled boxes are placed.
    public var backwardFill: BackwardFillStyle
    /// Boxes are averaged over this many frames on each side, so masks do not jitter. Default
    /// 2 (a 5-frame window). The smoothed box is then grown to contain the frame's own box,
    /// so smoothing never uncovers anything. Raising this steadies masks further but makes
    /// them larger around fast or accelerating objects.
    public var smoothingRadius: Int
    /// How much a lost track's predicted box grows per lost frame, as a fraction of its size
    /// on each side. Default 0.02 (6 % per side after 3 frames). Raising this keeps a turning
    /// or accelerating object covered longer but masks more background.
    public var lostBoxGrowthPerFrame: Double
    /// The most a predicted box grows, as a fraction of its size on each side. Default 0.5
    /// (twice the size). Raising this keeps covering objects that move unpredictably, but
    /// lost masks can grow over neighbouring content.
    public var maximumLostBoxGrowth: Double
    /// A detection that no track claims (a low-score blip) is still masked on its own frame
    /// when it scores at least this. High-score detections are always claimed by a track, so
    /// they are always masked. Default 0.3: weak evidence is masked (recall first) but
    /// clutter the detector barely believes is not. Lowering this hides more faint faces but
    /// risks masking signs, pets and patterns; raise it above 1 to mask only tracked boxes.
    public var minimumStandaloneScore: Double
    /// The tracker the planner runs.
    public var tracker: TrackerConfiguration

    /// A configuration.
    public init(
        lookAheadFrames: Int = 30,
        backwardFillFrames: Int = 30,
        backwardFill: BackwardFillStyle = .holdAndExtrapolate,
        smoothingRadius: Int = 2,
        lostBoxGrowthPerFrame: Double = 0.02,
        maximumLostBoxGrowth: Double = 0.5,
        minimumStandaloneScore: Double = 0.3,
        tracker: TrackerConfiguration = TrackerConfiguration()
    ) {
        self.lookAheadFrames = lookAheadFrames
        self.backwardFillFrames = backwardFillFrames
        self.backwardFill = backwardFill
        self.smoothingRadius = smoothingRadius
        self.lostBoxGrowthPerFrame = lostBoxGrowthPerFrame
        self.maximumLostBoxGrowth = maximumLostBoxGrowth
        self.minimumStandaloneScore = minimumStandaloneScore
        self.tracker = tracker
    }

    /// This configuration with its time spans (look-ahead, backward fill, lost-track life) and
    /// the lost-box growth per frame rescaled from 30 fps to `framesPerSecond`, so they mean the
    /// same in seconds. The smoothing radius is kept: jitter is a per-frame effect.
    public func scaled(toFramesPerSecond framesPerSecond: Double) -> LookAheadConfiguration {
        var scaled = self
        let factor = framesPerSecond / TrackerConfiguration.referenceFramesPerSecond
        scaled.lookAheadFrames = max(0, Int((Double(lookAheadFrames) * factor).rounded()))
        scaled.backwardFillFrames = max(0, Int((Double(backwardFillFrames) * factor).rounded()))
        scaled.lostBoxGrowthPerFrame = lostBoxGrowthPerFrame / max(factor, .leastNonzeroMagnitude)
        scaled.tracker = tracker.scaled(toFramesPerSecond: framesPerSecond)
        return scaled
    }

    /// Throws when a value is out of range or contradicts another.
    public func validate() throws(TrackingError) {
        for (name, value) in [
            ("lookAheadFrames", lookAheadFrames), ("backwardFillFrames", backwardFillFrames),
            ("smoothingRadius", smoothingRadius),
        ] where value < 0 {
            throw .invalidConfiguration("\(name) is \(value); it must not be negative")
        }
        for (name, value) in [
            ("lostBoxGrowthPerFrame", lostBoxGrowthPerFrame), ("maximumLostBoxGrowth", maximumLostBoxGrowth),
            ("minimumStandaloneScore", minimumStandaloneScore),
        ] where !(value >= 0) {
            throw .invalidConfiguration("\(name) is \(value); it must not be negative")
        }
        try tracker.validate()
    }
}
