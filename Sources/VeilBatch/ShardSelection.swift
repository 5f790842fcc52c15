internal import Foundation

/// Which shard of how many this run is: item *i* of the manifest belongs to shard `i mod count`.
///
/// The index comes from `--shard`, else `SLURM_ARRAY_TASK_ID` (a Slurm job array), else
/// `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job); the count from `--shards`, else
/// `SLURM_ARRAY_TASK_COUNT`. With none of these the manifest is one shard; with `--shards 1` the
/// index is 0. Veil never schedules anything: the scheduler starts one process
/// per index and each process works out its share from these.
public struct ShardSelection: Sendable, Hashable, Codable {
    /// This shard, `0..<count`.
    public var index: Int
    /// How many shards the manifest is split into.
    public var count: Int

    /// A shard; `index` must be in `0..<count`.
    public init(index: Int, count: Int) throws(BatchError) {
        guard count >= 1 else { throw .shardSelection("--shards must be at least 1 (got \(count))") }
        guard (0..<count).contains(index) else {
            throw .shardSelection("shard index \(index) is out of range for \(count) shard(s) (0…\(count - 1))")
        }
        self.index = index
        self.count = count
    }

    /// Environment variables read, in order of precedence after the command line.
    public static let indexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]
    /// The environment variable that may give the shard count.
    public static let countVariable = "SLURM_ARRAY_TASK_COUNT"

    /// The shard from the command line and the environment.
    ///
    /// - Parameters:
    ///   - index: `--shard`, if given.
    ///   - count: `--shards`, if given.
    ///   - environment: the process environment.
    /// - Throws: ``BatchError/shardSelection(_:)`` when the index or count is missing, not a
    ///   number, or out of range (a usage error: nothing ran).
    public static func resolve(index: Int?, count: Int?, environment: [String: String]) throws(BatchError)
        -> ShardSelection
    {
        let environmentIndex = indexVariables.first { !(environment[$0] ?? "").isEmpty }
        // Nothing about shards anywhere: the whole manifest is one shard (a run by hand).
        if index == nil, count == nil, environmentIndex == nil, (environment[countVariable] ?? "").isEmpty {
            return try ShardSelection(index: 0, count: 1)
        }
        let resolvedCount: Int
        if let count {
            resolvedCount = count
        } else if let text = environment[countVariable], !text.isEmpty {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .shardSelection("\(countVariable)='\(text)' is not a number")
            }
            resolvedCount = value
        } else {
            throw .shardSelection("the shard count is missing: give --shards N (or run in a Slurm array)")
        }
        if let index { return try ShardSelection(index: index, count: resolvedCount) }
        if resolvedCount == 1, environmentIndex == nil { return try ShardSelection(index: 0, count: 1) }
        for name in indexVariables {
            // An empty variable counts as unset (a wrapper that clears it).
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .shardSelection("\(name)='\(text)' is not a number")
            }
            do throws(BatchError) {
                return try ShardSelection(index: value, count: resolvedCount)
            } catch {
                throw .shardSelection(
                    "\(name)=\(value) is out of range for \(resolvedCount) shard(s) (0…\(resolvedCount - 1))")
            }
        }
        throw .shardSelection(
            "the shard index is missing: give --shard K, or run as a Slurm array task (SLURM_ARRAY_TASK_ID) "
                + "or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)")
    }

    /// Whether manifest item `position` (0-based) is this shard's.
    public func owns(_ position: Int) -> Bool { position % count == index }
}
