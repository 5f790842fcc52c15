public import Foundation

/// Where a batch keeps its bookkeeping inside the output folder: one hidden folder, so that
/// the output tree itself mirrors the inputs and nothing else.
///
/// ```
/// OUT/.veil-batch/done/<sha256 of the output's relative path>.json   one done-record per item
/// OUT/.veil-batch/reports/shard-00007-of-00064.jsonl                 one report per shard
/// OUT/batch-report.json                                              written by `veil batch merge`
/// ```
public struct BatchLayout: Sendable, Hashable {
    /// The hidden folder's name.
    public static let folderName = ".veil-batch"
    /// The merged report's default name, in the output folder.
    public static let mergedReportName = "batch-report.json"

    /// The output folder.
    public var outputRoot: URL

    /// The layout of `outputRoot`.
    public init(outputRoot: URL) { self.outputRoot = outputRoot.standardizedFileURL }

    /// The bookkeeping folder.
    public var folder: URL { outputRoot.appendingPathComponent(Self.folderName) }
    /// Done-records.
    public var doneFolder: URL { folder.appendingPathComponent("done") }
    /// Shard reports.
    public var reportsFolder: URL { folder.appendingPathComponent("reports") }

    /// The done-record of the item whose output is `relativeOutput` (named by a hash, so any
    /// path fits in one file name).
    public func doneRecordURL(relativeOutput: String) -> URL {
        doneFolder.appendingPathComponent(BatchHash.hex(of: Data(relativeOutput.utf8)) + ".json")
    }

    /// The report of shard `index` of `count`; zero-padded so the files sort by index.
    public func shardReportURL(_ shard: ShardSelection) -> URL {
        let name = "shard-\(Self.padded(shard.index))-of-\(Self.padded(shard.count)).jsonl"
        return reportsFolder.appendingPathComponent(name)
    }

    static func padded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
