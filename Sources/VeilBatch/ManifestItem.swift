public import Foundation
public import VeilPipeline

/// One input of a manifest, where its output goes and the options it sets for itself.
public struct ManifestItem: Sendable, Hashable {
    /// The item's position in the manifest (0-based, counting only inputs): it decides the shard.
    public var index: Int
    /// The input and its output; `job.relativePath` is the input as reports name it.
    public var job: BatchJob
    /// The output's path below the output folder (reports and done-records use it).
    public var relativeOutput: String
    /// Per-item overrides.
    public var options: ItemOptions

    /// An item.
    public init(index: Int, job: BatchJob, relativeOutput: String, options: ItemOptions = ItemOptions()) {
        self.index = index
        self.job = job
        self.relativeOutput = relativeOutput
        self.options = options
    }
}
