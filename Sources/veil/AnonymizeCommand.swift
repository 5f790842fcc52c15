import ArgumentParser
import Foundation
import VeilDetection
import VeilPipeline

struct AnonymizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymize",
        abstract: "Mask faces (and plates) in images and directories of images.",
        discussion: """
            Outputs never carry metadata (EXIF, GPS, XMP, IPTC, comments, thumbnails) unless \
            --keep-metadata is given, which still drops GPS, thumbnails and serial numbers. \
            Inputs are never modified; outputs appear only when complete.
            """
    )

    @Argument(help: "Image files or directories (searched recursively).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file, or directory mirroring the inputs.")
    var output: String

    @OptionGroup var detection: DetectionOptions

    @Option(help: "JPEG/WebP quality (1–100).")
    var quality: Int = AnonymizationSettings().quality

    @Flag(help: "Keep harmless EXIF (camera, exposure, dates); never GPS, thumbnails or serials.")
    var keepMetadata = false

    @Option(help: "Write a JSON report (counts, timings, model hashes; no personal data).")
    var report: String?

    @Option(help: "Files processed at once.")
    var jobs: Int = 1

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        var settings = detection.settings
        settings.quality = quality
        settings.keepsMetadata = keepMetadata
        let detector: any ObjectDetector
        do {
            detector = try detection.makeDetector()
        } catch {
            throw CommandFailure("error: \(error)")
        }
        let anonymizer = ImageAnonymizer(detector: detector, settings: settings)
        let outputURL = URL(fileURLWithPath: output)
        let plan = BatchPlan.make(inputs: inputs.map { URL(fileURLWithPath: $0) }, output: outputURL)
        let progress = ProgressLine(isEnabled: !quiet)
        let started = Date()
        let results = BatchRunner(anonymizer: anonymizer, concurrency: jobs).run(plan.jobs) { done, total in
            progress.update(done: done, total: total)
        }
        progress.finish()
        for failure in plan.errors {
            FileHandle.standardError.write(Data("error: \(failure.error)\n".utf8))
        }
        var failed = plan.errors.count
        var masked = 0
        for result in results {
            switch result.outcome {
            case .success(let outcome): masked += outcome.counts.values.reduce(0, +)
            case .failure(let error):
                failed += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if let report {
            let document = BatchReport(
                version: Veil.version,
                detector: detector,
                settings: settings,
                results: results,
                planningErrors: plan.errors,
                elapsedSeconds: Date().timeIntervalSince(started)
            )
            do {
                try document.jsonData().write(to: URL(fileURLWithPath: report), options: .atomic)
            } catch {
                throw CommandFailure("error: cannot write report \(report): \(error.localizedDescription)")
            }
        }
        let succeeded = results.count - (failed - plan.errors.count)
        if !quiet {
            print("\(succeeded) file(s) anonymized, \(masked) object(s) masked, \(failed) failed → \(output)")
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// A failure the CLI reports as one line and exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
