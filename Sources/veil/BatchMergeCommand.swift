import ArgumentParser
import Foundation
import VeilBatch

/// `veil batch merge OUT`: one report from every shard's, with totals and every failure.
struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard reports of an output folder into one report.",
        discussion: """
            Writes OUT/batch-report.json (or --report): totals, every failed item, every item \
            never processed (its shard never started, or stopped before it), every item's line.

            Exit status: 0 every item's output is in place; 1 some item failed or was never \
            processed (each listed on stderr); 2 no shard report under OUT.
            """
    )

    @Argument(help: "The output folder the shards wrote into.")
    var folder: String

    @Option(help: "Where to write the merged report ('-' for stdout; default: FOLDER/batch-report.json).")
    var report: String?

    func run() throws {
        let root = URL(fileURLWithPath: folder)
        let merged: BatchMerge
        do throws(BatchError) {
            merged = try BatchMerge(layout: BatchLayout(outputRoot: root), veilVersion: Veil.version)
        } catch {
            throw Refusal(error.description)
        }
        let target = try ReportTarget(report ?? root.appendingPathComponent(BatchLayout.mergedReportName).path)
        try target.write { try merged.jsonData() }
        for line in merged.problemLines { ProgressReporter.printError(line) }
        for name in merged.ignoredReports {
            FileHandle.standardError.write(Data("note: \(name) belongs to an earlier plan; left out\n".utf8))
        }
        let totals = merged.totals
        let summary =
            "\(totals.items) item(s): \(totals.succeeded) in place (\(totals.processed) processed, "
            + "\(totals.skipped) skipped as done before), \(totals.failed) failed, \(totals.missing) never processed"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        if !merged.isComplete { throw ExitStatus.someFailed }
    }
}
