public import Foundation

/// `veil batch merge`: the shard reports of one output folder combined into one report, with
/// totals, every failure, and every item that was never processed.
///
/// The reports of the newest plan count (the manifest hash and shard count of the most recently
/// started shard); reports of an earlier plan (another manifest or shard count) are listed as
/// ignored. An item is "never processed" when its shard's report lacks a line for it: the shard
/// never started (no report), was killed before reaching it, or is still running.
public struct BatchMerge: Sendable, Codable {
    /// The value of ``schema``.
    public static let schemaName = "veil-batch-report"

    /// A failed item.
    public struct Failure: Sendable, Codable, Hashable {
        /// The manifest index.
        public var index: Int
        /// The input as the manifest names it.
        public var input: String
        /// The shard that ran it.
        public var shard: Int
        /// Why it failed.
        public var error: String
    }

    /// An item no shard finished.
    public struct Missing: Sendable, Codable, Hashable {
        /// The manifest index.
        public var index: Int
        /// The input as the manifest names it; nil when its shard left no report (a merge
        /// knows only the index then).
        public var input: String?
        /// Its shard.
        public var shard: Int
        /// Why: "shard never started", "shard stopped before this item".
        public var reason: String
    }

    /// Sums over the items.
    public struct Totals: Sendable, Codable, Hashable {
        /// Items in the manifest.
        public var items = 0
        /// Items whose output is in place (processed in their shard's last run, or skipped as done before).
        public var succeeded = 0
        /// Processed in the last run of their shard.
        public var processed = 0
        /// Skipped as done by an earlier run.
        public var skipped = 0
        /// Failed.
        public var failed = 0
        /// Never processed.
        public var missing = 0
        /// Detections over the items processed in the last runs (skipped items are counted by the run that did them).
        public var detections: [String: Int] = [:]
    }

    /// Always ``schemaName``.
    public var schema = BatchMerge.schemaName
    /// The version of Veil that merged.
    public var veilVersion: String
    /// The manifest's hash.
    public var manifestSHA256: String
    /// Shards in the plan.
    public var shards: Int
    /// Shards whose report ended (ran to the end).
    public var shardsFinished: [Int]
    /// Shards with a report that did not end (killed, preempted, still running).
    public var shardsUnfinished: [Int]
    /// Shards without a report.
    public var shardsNeverStarted: [Int]
    /// Report files of an older plan, left out.
    public var ignoredReports: [String]
    /// The sums.
    public var totals: Totals
    /// Every failed item.
    public var failures: [Failure]
    /// Every item not processed.
    public var missing: [Missing]
    /// Every item line, by manifest index.
    public var items: [ShardReportLine]

    /// Whether every item's output is in place.
    public var isComplete: Bool { failures.isEmpty && missing.isEmpty }

    /// Merges the shard reports under `layout`.
    ///
    /// - Throws: ``BatchError/noReports(path:)`` when there is none.
    /// - Complexity: O(items) after reading the reports.
    public init(layout: BatchLayout, veilVersion: String) throws(BatchError) {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: layout.reportsFolder.path))?
            .filter { $0.hasPrefix("shard-") && $0.hasSuffix(".jsonl") }.sorted() ?? []
        let reports = names.map {
            (name: $0, lines: ShardReportWriter.read(layout.reportsFolder.appendingPathComponent($0)))
        }
        .filter { $0.lines.first?.event == "start" }
        guard let newest = reports.max(by: { ($0.lines[0].startedAt ?? "") < ($1.lines[0].startedAt ?? "") })?.lines[0],
            let manifestSHA = newest.manifestSHA256, let shards = newest.shards
        else { throw .noReports(path: layout.outputRoot.path) }
        try self.init(
            reports: reports, manifestSHA256: manifestSHA, shards: shards, itemCount: newest.manifestItems ?? 0,
            veilVersion: veilVersion)
    }

    init(
        reports: [(name: String, lines: [ShardReportLine])], manifestSHA256: String, shards: Int, itemCount: Int,
        veilVersion: String
    ) throws(BatchError) {
        self.veilVersion = veilVersion
        self.manifestSHA256 = manifestSHA256
        self.shards = shards
        var ignored: [String] = []
        var byShard: [Int: [ShardReportLine]] = [:]
        for report in reports {
            let start = report.lines[0]
            guard start.manifestSHA256 == manifestSHA256, start.shards == shards, let shard = start.shard else {
                ignored.append(report.name)
                continue
            }
            byShard[shard] = report.lines
        }
        ignoredReports = ignored
        var finished: [Int] = []
        var unfinished: [Int] = []
        var never: [Int] = []
        var lines: [Int: ShardReportLine] = [:]
        var missing: [Missing] = []
        for shard in 0..<shards {
            guard let shardLines = byShard[shard] else {
                never.append(shard)
                for index in stride(from: shard, to: itemCount, by: shards) {
                    missing.append(Missing(index: index, input: nil, shard: shard, reason: "shard never started"))
                }
                continue
            }
            let ended = shardLines.contains { $0.event == "end" }
            if ended { finished.append(shard) } else { unfinished.append(shard) }
            for line in shardLines where line.event == "item" {
                if let index = line.index { lines[index] = line }
            }
            for planned in shardLines[0].planned ?? [] where lines[planned.index] == nil {
                missing.append(
                    Missing(
                        index: planned.index, input: planned.input, shard: shard,
                        reason: ended ? "not reported by its shard" : "shard stopped before this item"))
            }
        }
        shardsFinished = finished
        shardsUnfinished = unfinished
        shardsNeverStarted = never
        self.missing = missing.sorted { $0.index < $1.index }
        items = lines.keys.sorted().compactMap { lines[$0] }
        var totals = Totals()
        totals.items = itemCount
        var failures: [Failure] = []
        for line in items {
            switch line.status {
            case ShardReportLine.done:
                totals.processed += 1
                for (name, count) in line.detections ?? [:] { totals.detections[name, default: 0] += count }
            case ShardReportLine.skipped: totals.skipped += 1
            default:
                failures.append(
                    Failure(
                        index: line.index ?? -1, input: line.input ?? "?", shard: (line.index ?? 0) % shards,
                        error: line.error ?? "failed"))
            }
        }
        totals.succeeded = totals.processed + totals.skipped
        totals.failed = failures.count
        totals.missing = self.missing.count
        self.totals = totals
        self.failures = failures
    }

    /// The merged report as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// One line per failure and missing item, for the terminal.
    public var problemLines: [String] {
        failures.map { "item \($0.index) \($0.input) (shard \($0.shard)): failed: \($0.error)" }
            + missing.map {
                "item \($0.index) \($0.input ?? "(input unknown: no report)") (shard \($0.shard)): never processed: \($0.reason)"
            }
    }
}
