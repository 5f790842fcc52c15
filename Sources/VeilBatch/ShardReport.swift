public import Foundation
public import VeilPipeline

/// One line of a shard's JSON Lines report. Each shard writes only its own file
/// (``BatchLayout/shardReportURL(_:)``): a `start` line, one `item` line per item as it
/// finishes, and an `end` line. A shard killed mid-run leaves a report without `end`; the
/// items it had not finished are then "never processed" to ``BatchMerge`` until a rerun.
///
/// Like the `anonymize` report it holds paths relative to the manifest and output folders,
/// hashes, counts and error messages; never pixels, boxes or absolute paths.
public struct ShardReportLine: Sendable, Codable, Hashable {
    /// "start", "item" or "end".
    public var event: String

    // start
    /// The report layout's version.
    public var schemaVersion: Int?
    /// Veil's version.
    public var veilVersion: String?
    /// SHA-256 of the manifest: reports of one plan share it.
    public var manifestSHA256: String?
    /// Items in the whole manifest.
    public var manifestItems: Int?
    /// This shard.
    public var shard: Int?
    /// Shards in the plan.
    public var shards: Int?
    /// This shard's items (manifest index and input), so that a merge can name the ones never
    /// finished.
    public var planned: [PlannedItem]?
    /// When the shard started (ISO 8601, UTC).
    public var startedAt: String?

    // item
    /// The item's index in the manifest.
    public var index: Int?
    /// The input as the manifest names it.
    public var input: String?
    /// The output below the output folder.
    public var output: String?
    /// "image" or "video".
    public var kind: MediaKind?
    /// "done" (processed now), "skipped" (done before: record and output intact) or "failed".
    public var status: String?
    /// Why it failed.
    public var error: String?
    /// Why it was (re)done: "not done yet", "output missing", "settings, Veil version or models changed", …
    public var reason: String?
    /// SHA-256 of the input.
    public var inputSHA256: String?
    /// SHA-256 of the output.
    public var outputSHA256: String?
    /// Detections masked, per class.
    public var detections: [String: Int]?
    /// The settings hash the output was made with.
    public var settingsSHA256: String?

    // item and end
    /// Wall time (an item's, or the whole shard's).
    public var elapsedSeconds: Double?

    // end
    /// Items processed now.
    public var done: Int?
    /// Items skipped as already done.
    public var skipped: Int?
    /// Items that failed.
    public var failed: Int?

    /// A manifest index and its input.
    public struct PlannedItem: Sendable, Codable, Hashable {
        /// The manifest index.
        public var index: Int
        /// The input as the manifest names it.
        public var input: String

        /// An entry.
        public init(index: Int, input: String) {
            self.index = index
            self.input = input
        }
    }

    /// An empty line of `event`; fill in the fields that event uses.
    public init(event: String) { self.event = event }

    /// An item's status: processed in this run.
    public static let done = "done"
    /// An item's status: done before, its record and output intact.
    public static let skipped = "skipped"
    /// An item's status: it failed (``error`` says why).
    public static let failed = "failed"
}

/// Appends lines to one shard's report; safe to call from the threads that finish items.
///
/// `@unchecked Sendable`: `handle` is only used while holding `lock`.
public final class ShardReportWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    /// The report's path.
    public let url: URL

    /// Starts the report at `url`, replacing an earlier attempt's (this shard's own file).
    public init(url: URL) throws(BatchError) {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw .unwritable(path: url.path, reason: "cannot create the file")
        }
        self.handle = handle
        self.url = url
    }

    deinit { try? handle.close() }

    /// Writes `line` and syncs it, so a line in the report is never lost to a crash after it.
    public func append(_ line: ShardReportLine) throws(BatchError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(line)
            data.append(0x0A)
            try lock.withLock {
                try handle.write(contentsOf: data)
                try handle.synchronize()
            }
        } catch {
            throw .unwritable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Parses a report: its lines in order; a line that is not JSON (cut short by a crash) is
    /// left out.
    public static func read(_ url: URL) -> [ShardReportLine] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(ShardReportLine.self, from: Data($0)) }
    }
}
