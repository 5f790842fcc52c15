#if VEIL_REVIEW_SERVER
    import ArgumentParser
    import Dispatch
    import Foundation
    import Synchronization
    import VeilMedia
    import VeilPipeline
    import VeilReview
    import VeilReviewServer
    import VeilVideo

    struct ReviewCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review",
            abstract: "Check and correct every mask in the browser, then export (a local server on 127.0.0.1).",
            discussion: """
                Prints http://127.0.0.1:PORT/?token=TOKEN as the first line on stdout and serves the \
                review editor there until Ctrl-C or SIGTERM. Only this machine can connect, and only \
                with the token (it works once and becomes a session cookie). Without --tracks, \
                VIDEO.tracks.json beside the video is used, and made by detection (as `veil detect`) \
                when it is missing or was made for other media. Every decision is appended to \
                VIDEO.edits.jsonl beside the tracks file as it is made; an existing log is replayed, so \
                a review continues where it stopped. The export renders through the same code as \
                `veil render --edits` (docs/REVIEW.md, docs/REVIEW-API.md).

                Photos: given a folder (or one photo), the photos are reviewed as a grid. Without \
                --tracks, PHOTOS.detections.json beside the folder is reused when it lists exactly \
                these photos with the same SHA-256, else made by detection (a photo that cannot be \
                read is reported and left out). Decisions go to PHOTOS.edits.jsonl; the export \
                writes PHOTOS.reviewed/ through the image path, as `veil render PHOTOS --tracks \
                PHOTOS.detections.json --edits PHOTOS.edits.jsonl -o PHOTOS.reviewed/`.

                Exit status: 0 stopped by Ctrl-C or SIGTERM (every decision already saved), 1 failed \
                (unreadable tracks file or log, port in use), 2 usage error, 130/143 interrupted \
                during detection.
                """
        )

        @Argument(help: "The video to review, or a folder of photos (or one photo).")
        var input: String

        @Option(
            help:
                "The tracks file (default: VIDEO.tracks.json beside the video; photos: PHOTOS.detections.json; made by detection if needed)."
        )
        var tracks: String?

        @Option(
            name: .shortAndLong,
            help:
                "Where the export writes (default: VIDEO.reviewed.EXT beside it; photos: the folder PHOTOS.reviewed/).")
        var output: String?

        @Option(help: "Port to listen on (127.0.0.1 only); 0 picks a free one.")
        var port: Int = 0

        @Flag(help: "Open the address in the default browser (xdg-open).")
        var open = false

        @OptionGroup(title: "Detection") var detection: DetectorOptions

        @OptionGroup(title: "Video detection") var videoDetection: VideoDetectionOptions

        @OptionGroup(title: "Photo detection") var stills: StillDetectionOptions

        @OptionGroup(title: "Masks") var maskOptions: MaskOptions

        @OptionGroup(title: "Video encoding") var encoding: VideoEncodingOptions

        @OptionGroup(title: "Progress") var progressOptions: ProgressOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
            if let output, Self.isSameFile(output, input) {
                throw ValidationError("--output is the input; the export never overwrites the original")
            }
        }

        func run() throws {
            let inputURL = URL(fileURLWithPath: input)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: inputURL.path, isDirectory: &isDirectory) else {
                throw CommandFailure("\(input): no such file")
            }
            let configuration: ReviewServer.Configuration
            if isDirectory.boolValue || MediaKind(url: inputURL) == .image {
                configuration = .photos(
                    input: inputURL, detections: try detectionsFile(for: inputURL),
                    output: output.map { URL(fileURLWithPath: $0, isDirectory: isDirectory.boolValue) },
                    settings: maskOptions.settings, port: port, version: Veil.version)
            } else {
                let tracksURL = try tracksFile(for: inputURL)
                var video = VideoSettings()
                video.output = encoding.output(keepsMetadata: false)
                configuration = ReviewServer.Configuration(
                    input: inputURL, tracks: tracksURL, output: output.map { URL(fileURLWithPath: $0) },
                    settings: maskOptions.settings, video: video, port: port, version: Veil.version)
            }
            let server: ReviewServer
            do {
                server = try ReviewServer(configuration: configuration)
            } catch {
                throw CommandFailure("\(error)")
            }
            let open = open
            let outcome = Mutex<Result<Void, any Error>?>(nil)
            let finished = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await server.run { address in
                        // The first line on stdout, flushed: scripts and tests read the address here.
                        FileHandle.standardOutput.write(Data((address.absoluteString + "\n").utf8))
                        if open { Self.openInBrowser(address) }
                    }
                    outcome.withLock { $0 = .success(()) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
                finished.signal()
            }
            finished.wait()
            server.removeWorkFolder()
            if case .failure(let error) = outcome.withLock({ $0 }) {
                throw CommandFailure("review server: \(error)")
            }
        }

        private static func isSameFile(_ a: String, _ b: String) -> Bool {
            URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
        }

        /// The tracks file to review: the one given, or VIDEO.tracks.json beside the video, made
        /// by detection when it is missing or belongs to other media.
        private func tracksFile(for inputURL: URL) throws -> URL {
            if let tracks { return URL(fileURLWithPath: tracks) }
            let url = inputURL.deletingPathExtension().appendingPathExtension("tracks.json")
            if FileManager.default.fileExists(atPath: url.path) {
                if let file = try? TracksFile.load(from: url), (try? file.verify(mediaAt: inputURL)) != nil {
                    return url
                }
                FileHandle.standardError.write(
                    Data("veil review: \(url.lastPathComponent) was made for other media; detecting again\n".utf8))
            }
            let progress = ProgressReporter(mode: progressOptions.mode)
            let edits = url.deletingPathExtension().deletingPathExtension().appendingPathExtension("edits.jsonl")
            if FileManager.default.fileExists(atPath: edits.path) {
                throw CommandFailure(
                    "\(edits.lastPathComponent) belongs to the old \(url.lastPathComponent); move it away before detecting again"
                )
            }
            _ = try DetectCommand.writeTracks(
                of: inputURL, to: url, detection: detection, videoDetection: videoDetection, progress: progress)
            return url
        }

        /// The detections file of a folder of photos (or one photo): the one given, or
        /// PHOTOS.detections.json beside it when it lists exactly these photos, unchanged; else
        /// made by detection. A photo that cannot be read is reported on stderr and left out.
        private func detectionsFile(for inputURL: URL) throws -> URL {
            if let tracks { return URL(fileURLWithPath: tracks) }
            let url = PhotoDetections.url(forInput: inputURL)
            let names = PhotoDetections.photoNames(in: inputURL)
            guard !names.isEmpty else { throw CommandFailure("\(input): no supported photos found") }
            if FileManager.default.fileExists(atPath: url.path) {
                let problem: String
                do {
                    let file = try PhotoDetections.load(from: url)
                    guard let mismatch = file.mismatch(withPhotosIn: inputURL, names: names) else { return url }
                    problem = mismatch
                } catch {
                    problem = "\(error)"
                }
                let edits = PhotoDetections.editsURL(forInput: inputURL)
                if FileManager.default.fileExists(atPath: edits.path) {
                    throw CommandFailure(
                        "\(url.lastPathComponent) no longer fits the photos (\(problem)) and \(edits.lastPathComponent) "
                            + "belongs to it; move both away before detecting again")
                }
                FileHandle.standardError.write(
                    Data("veil review: \(url.lastPathComponent): \(problem); detecting again\n".utf8))
            }
            let detector = try detection.makeDetector(profile: stills.profile)
            let progress = ProgressReporter(mode: progressOptions.mode)
            progress.start(command: "review", inputs: names.count)
            let (file, failures) = PhotoDetections.detect(
                in: inputURL, names: names, detector: detector, threshold: detection.threshold,
                targets: detection.targets.classes)
            progress.clearLine()
            for failure in failures {
                FileHandle.standardError.write(
                    Data("error: \(failure.reason) (left out of the review)\n".utf8))
            }
            guard !file.photos.isEmpty else { throw CommandFailure("\(input): no photo could be read") }
            do {
                try AtomicFile.write(try file.jsonData(), to: url)
            } catch {
                throw CommandFailure("cannot write \(url.path): \(error)")
            }
            return url
        }

        private static func openInBrowser(_ address: URL) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["xdg-open", address.absoluteString]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                FileHandle.standardError.write(
                    Data("veil review: cannot run xdg-open; open the address by hand\n".utf8))
            }
        }
    }
#endif
