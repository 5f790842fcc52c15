public import VeilPipeline

/// What runs one group of items that share their options: the same `BatchRunner` that
/// `veil anonymize` uses (stills `--jobs` at a time, videos one after another), and the
/// fingerprint of each kind's settings.
public struct ShardEngine: Sendable {
    /// Runs the items.
    public var runner: BatchRunner
    /// The stills' fingerprint; nil when this engine runs no stills.
    public var imageFingerprint: SettingsFingerprint?
    /// The videos' fingerprint; nil when this engine runs no videos.
    public var videoFingerprint: SettingsFingerprint?

    /// An engine.
    public init(runner: BatchRunner, imageFingerprint: SettingsFingerprint?, videoFingerprint: SettingsFingerprint?) {
        self.runner = runner
        self.imageFingerprint = imageFingerprint
        self.videoFingerprint = videoFingerprint
    }

    /// The fingerprint of `kind`'s settings.
    public func fingerprint(for kind: MediaKind) -> SettingsFingerprint? {
        kind == .video ? videoFingerprint : imageFingerprint
    }
}
