public import Foundation
internal import VeilGeometry
internal import VeilMedia
public import VeilPipeline

/// Runs one shard of a manifest: skips the items whose done-record and output still hold,
/// processes the rest, records each finished item, and writes the shard's report.
///
/// Steps:
/// 1. Start the shard's report (its planned items first).
/// 2. Check each item against its done-record (``DoneRecord/staleness(of:fingerprint:input:output:)``).
/// 3. Remove the temporary files that killed runs left beside the pending outputs, and the
///    stale records of pending items.
/// 4. Run the pending items, grouped by their options, through `BatchRunner`.
/// 5. As each item finishes: sync its output, write its done-record, append its report line.
/// 6. End the report with the counts.
public struct ShardRun: Sendable {
    /// The plan.
    public var manifest: BatchManifest
    /// This shard.
    public var shard: ShardSelection
    /// Where outputs and bookkeeping go.
    public var layout: BatchLayout
    /// Veil's version, for the report.
    public var veilVersion: String

    /// A shard run.
    public init(manifest: BatchManifest, shard: ShardSelection, layout: BatchLayout, veilVersion: String) {
        self.manifest = manifest
        self.shard = shard
        self.layout = layout
        self.veilVersion = veilVersion
    }

    /// What the shard did.
    public struct Summary: Sendable {
        /// Items processed now.
        public var done = 0
        /// Items skipped as already done.
        public var skipped = 0
        /// Items that failed (each with its report line).
        public var failures: [ShardReportLine] = []
        /// Items not finished because the run was cancelled.
        public var cancelled = 0
    }

    /// Runs the shard.
    ///
    /// - Parameters:
    ///   - makeEngine: makes the engine for items with these options and these kinds (loading
    ///     models only for the kinds present); called once per distinct option set.
    ///   - finished: called with each item's report line as soon as it is written.
    /// - Throws: what `engine` throws (missing models), or ``BatchError/unwritable(path:reason:)``
    ///   when the report cannot be written.
    public func run(
        engine makeEngine: (ItemOptions, Set<MediaKind>) throws -> ShardEngine,
        finished: @escaping @Sendable (ShardReportLine) -> Void = { _ in }
    ) throws -> Summary {
        var clock = ContinuousClock.now
        let items = manifest.items(of: shard)
        let writer = try ShardReportWriter(url: layout.shardReportURL(shard))
        var start = ShardReportLine(event: "start")
        start.schemaVersion = 1
        start.veilVersion = veilVersion
        start.manifestSHA256 = manifest.sha256
        start.manifestItems = manifest.items.count
        start.shard = shard.index
        start.shards = shard.count
        start.planned = items.map { .init(index: $0.index, input: $0.job.relativePath) }
        start.startedAt = ISO8601DateFormatter().string(from: Date())
        try writer.append(start)

        let tally = Tally()
        let groups = Dictionary(grouping: items, by: \.options)
        for options in groups.keys.sorted(by: { $0.sortKey < $1.sortKey }) {
            let group = groups[options] ?? []
            let engine = try makeEngine(options, Set(group.map(\.job.kind)))
            var pending: [ManifestItem] = []
            var reasons: [Int: DoneRecord.Staleness] = [:]
            for item in group {
                let recordURL = layout.doneRecordURL(relativeOutput: item.relativeOutput)
                let record = DoneRecord.read(from: recordURL)
                guard let fingerprint = engine.fingerprint(for: item.job.kind) else {
                    // The engine was asked for this kind; reaching here is a bug, reported as one.
                    var line = Self.line(for: item, status: ShardReportLine.failed)
                    line.error = "no \(item.job.kind.rawValue) settings to run this item with (a bug in veil)"
                    try writer.append(line)
                    tally.add(line)
                    finished(line)
                    continue
                }
                if let reason = DoneRecord.staleness(
                    of: record, fingerprint: fingerprint, input: item.job.input, output: item.job.output)
                {
                    reasons[item.index] = reason
                    pending.append(item)
                    try? FileManager.default.removeItem(at: recordURL)
                } else if let record {
                    var line = Self.line(for: item, status: ShardReportLine.skipped)
                    line.inputSHA256 = record.inputSHA256
                    line.outputSHA256 = record.outputSHA256
                    line.settingsSHA256 = record.fingerprint.settingsSHA256
                    try writer.append(line)
                    tally.add(line)
                    finished(line)
                }
            }
            removeLeftovers(beside: pending)
            let whyRedone = reasons
            let byOutput = Dictionary(pending.map { ($0.job.output, $0) }, uniquingKeysWith: { first, _ in first })
            _ = engine.runner.run(
                pending.map(\.job),
                finished: { result in
                    guard let item = byOutput[result.job.output] else { return }
                    if case .failure(.cancelled) = result.outcome {
                        tally.cancel()
                        return
                    }
                    var line = self.record(
                        result, of: item, fingerprint: engine.fingerprint(for: item.job.kind))
                    line.reason = whyRedone[item.index]?.description
                    do throws(BatchError) {
                        try writer.append(line)
                    } catch {
                        line.status = ShardReportLine.failed
                        line.error = error.description
                    }
                    tally.add(line)
                    finished(line)
                })
        }
        var summary = tally.summary
        var end = ShardReportLine(event: "end")
        end.done = summary.done
        end.skipped = summary.skipped
        end.failed = summary.failures.count
        end.elapsedSeconds = Self.seconds(since: &clock)
        if summary.cancelled == 0 { try writer.append(end) }
        summary.failures.sort { ($0.index ?? 0) < ($1.index ?? 0) }
        return summary
    }

    /// After an item's output is in place: sync it, write its done-record; the report line.
    private func record(_ result: JobResult, of item: ManifestItem, fingerprint: SettingsFingerprint?)
        -> ShardReportLine
    {
        var line = Self.line(for: item, status: ShardReportLine.done)
        line.elapsedSeconds = (result.elapsedMilliseconds / 100).rounded() / 10
        switch result.outcome {
        case .failure(let error):
            line.status = ShardReportLine.failed
            line.error = Self.withoutAbsolutePaths(error.description, of: item)
            return line
        case .success(let outcome):
            let hashes: (input: String?, output: String?) =
                switch outcome {
                case .image(let image): (image.inputSHA256, image.outputSHA256)
                case .video(let video): (video.inputSHA256, video.outputSHA256)
                }
            line.detections = outcome.detections.values.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
            Durability.syncFile(item.job.output)
            Durability.syncFolder(of: item.job.output)
            guard let fingerprint,
                let inputSHA = hashes.input ?? BatchHash.hex(ofFileAt: item.job.input),
                let outputSHA = hashes.output ?? BatchHash.hex(ofFileAt: item.job.output)
            else {
                line.status = ShardReportLine.failed
                line.error = "\(item.relativeOutput): the output could not be read back to record it"
                return line
            }
            line.inputSHA256 = inputSHA
            line.outputSHA256 = outputSHA
            line.settingsSHA256 = fingerprint.settingsSHA256
            let record = DoneRecord(
                input: item.job.relativePath, output: item.relativeOutput, inputSHA256: inputSHA,
                outputSHA256: outputSHA, fingerprint: fingerprint)
            do throws(BatchError) {
                try record.write(to: layout.doneRecordURL(relativeOutput: item.relativeOutput))
            } catch {
                line.status = ShardReportLine.failed
                line.error = "the output was written but its done-record was not: \(error.description)"
            }
            return line
        }
    }

    /// `message` with the item's absolute paths replaced by the names reports use: a report
    /// never holds an absolute path (it can hold the user's name).
    static func withoutAbsolutePaths(_ message: String, of item: ManifestItem) -> String {
        message.replacingOccurrences(of: item.job.input.path, with: item.job.relativePath)
            .replacingOccurrences(of: item.job.output.path, with: item.relativeOutput)
    }

    private func removeLeftovers(beside items: [ManifestItem]) {
        let folders = Set(items.map { $0.job.output.deletingLastPathComponent().standardizedFileURL.path })
        for folder in folders.sorted() { AtomicFile.removeLeftovers(in: URL(fileURLWithPath: folder)) }
        AtomicFile.removeLeftovers(in: layout.doneFolder)
    }

    static func line(for item: ManifestItem, status: String) -> ShardReportLine {
        var line = ShardReportLine(event: "item")
        line.index = item.index
        line.input = item.job.relativePath
        line.output = item.relativeOutput
        line.kind = item.job.kind
        line.status = status
        return line
    }

    static func seconds(since start: inout ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds * 10).rounded() / 10
    }

    /// Counts shared by the threads finishing items.
    ///
    /// `@unchecked Sendable`: `summary` is only touched while holding `lock`.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Summary()

        func add(_ line: ShardReportLine) {
            lock.withLock {
                switch line.status {
                case ShardReportLine.done: value.done += 1
                case ShardReportLine.skipped: value.skipped += 1
                default: value.failures.append(line)
                }
            }
        }

        func cancel() { lock.withLock { value.cancelled += 1 } }

        var summary: Summary { lock.withLock { value } }
    }
}

extension ItemOptions {
    /// A stable order for running option groups (the command line's own options first).
    var sortKey: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
