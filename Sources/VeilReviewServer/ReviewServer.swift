public import Foundation
public import Hummingbird
import Logging
import NIOCore
import Synchronization
import VeilMedia
public import VeilPipeline
import VeilReview
import VeilVideo

/// The review editor's server (`veil review`): a thin HTTP layer over ``VeilReview``.
///
/// Listens on 127.0.0.1 only; answers only requests whose `Host` is its own address
/// (``HostPolicy``), and only after the one-time token in its address was exchanged for a
/// session cookie (``AccessGate``). The page and the JSON API are described in
/// docs/REVIEW-API.md.
///
/// ```swift
/// let server = try ReviewServer(configuration: .init(input: clip, tracks: tracksURL))
/// try await server.run { address in print(address) }   // until SIGINT or SIGTERM
/// ```
public struct ReviewServer: Sendable {
    /// What to review and how to export it.
    public struct Configuration: Sendable {
        /// What is reviewed.
        public enum Kind: String, Sendable {
            /// One video and its tracks file.
            case video
            /// A folder of photos (or one photo) and its detections file (``PhotoDetections``).
            case photos
        }

        /// A video or photos.
        public var kind: Kind
        /// The video under review, or the folder of photos (or the single photo).
        public var input: URL
        /// Its tracks file (photos: the detections file).
        public var tracksURL: URL
        /// The decision log (default: beside the tracks file, `clip.edits.jsonl`).
        public var logURL: URL
        /// Where the export writes the video (default `clip.reviewed.EXT` beside the input).
        public var output: URL
        /// Mask settings for the export.
        public var settings: AnonymizationSettings
        /// Encoding settings for the export.
        public var video: VideoSettings
        /// Port to listen on; 0 picks a free one.
        public var port: Int
        /// Veil's version, for the export's report.
        public var version: String

        /// A configuration with the default log, output and port.
        public init(
            input: URL, tracks: URL, log: URL? = nil, output: URL? = nil,
            settings: AnonymizationSettings = AnonymizationSettings(), video: VideoSettings = VideoSettings(),
            port: Int = 0, version: String = "unknown"
        ) {
            kind = .video
            self.input = input
            tracksURL = tracks
            logURL = log ?? EditLog.url(forTracksFile: tracks)
            self.output = output ?? Self.defaultOutput(for: input)
            self.settings = settings
            self.video = video
            self.port = port
            self.version = version
        }

        /// A review of the photos in `input` (a folder, or one photo) with the detections file
        /// `detections`; log and output by default beside the input (``PhotoDetections``).
        public static func photos(
            input: URL, detections: URL, log: URL? = nil, output: URL? = nil,
            settings: AnonymizationSettings = AnonymizationSettings(), port: Int = 0, version: String = "unknown"
        ) -> Configuration {
            var configuration = Configuration(
                input: input, tracks: detections, log: log ?? PhotoDetections.editsURL(forInput: input),
                output: output ?? PhotoDetections.defaultOutput(forInput: input), settings: settings, port: port,
                version: version)
            configuration.kind = .photos
            return configuration
        }

        /// `clip.mp4` → `clip.reviewed.mp4`, beside it.
        public static func defaultOutput(for input: URL) -> URL {
            let name = input.deletingPathExtension().lastPathComponent
            let ext = input.pathExtension.isEmpty ? "mp4" : input.pathExtension
            return input.deletingLastPathComponent().appendingPathComponent("\(name).reviewed.\(ext)")
        }

        /// The report beside the output: `clip.reviewed.mp4` → `clip.reviewed.report.json`; an
        /// output folder `photos.reviewed/` → `photos.reviewed.report.json`.
        public var reportURL: URL {
            if kind == .photos, PhotoDetections.isFolder(input) {
                let folder = output.standardizedFileURL
                return folder.deletingLastPathComponent().appendingPathComponent(
                    folder.lastPathComponent + ".report.json")
            }
            return output.deletingPathExtension().appendingPathExtension("report.json")
        }
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    /// The token and cookie secrets.
    public let gate: AccessGate
    let backend: ReviewBackend
    let page: PageResources
    /// Private folder for the browser-playable copy of a video (removed by
    /// ``removeWorkFolder()``); nil for photos.
    let workFolder: URL?
    private let boundPort = BoundPort()

    /// Opens the review: loads and checks the tracks file against the video (or the detections
    /// file against the photos), replays an existing log, and makes a browser-playable copy of
    /// a video if it needs one.
    ///
    /// - Throws: ``ReviewServerError`` saying which file is at fault.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        page = try PageResources()
        gate = AccessGate()
        switch configuration.kind {
        case .video:
            let (backend, workFolder) = try Self.openVideo(configuration)
            self.backend = backend
            self.workFolder = workFolder
        case .photos:
            let review = try Self.openPhotos(configuration)
            backend = .photos(PhotoReviewState(review: review, configuration: configuration))
            workFolder = nil
        }
    }

    private static func openVideo(_ configuration: Configuration) throws -> (ReviewBackend, URL) {
        let file: TracksFile
        do {
            file = try TracksFile.load(from: configuration.tracksURL)
            try file.verify(mediaAt: configuration.input)
        } catch {
            throw ReviewServerError.cannotOpen("\(error)")
        }
        let tracksSHA256: String
        let document: ReviewDocument
        do {
            tracksSHA256 = try SHA256.hex(ofFileAt: configuration.tracksURL)
            document = try ReviewDocument(tracksFile: file)
        } catch {
            throw ReviewServerError.cannotOpen("tracks \(configuration.tracksURL.path): \(error)")
        }
        var session = ReviewSession(document: document, mediaSHA256: file.media.sha256, tracksSHA256: tracksSHA256)
        if FileManager.default.fileExists(atPath: configuration.logURL.path) {
            do {
                let entries = try EditLog.load(from: configuration.logURL)
                session = try ReviewSession.replay(
                    entries, onto: document, mediaSHA256: file.media.sha256, tracksSHA256: tracksSHA256)
            } catch {
                throw ReviewServerError.cannotOpen(
                    "edits log \(configuration.logURL.lastPathComponent): \(error); "
                        + "move it away to start a new review")
            }
        }
        let workFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "veil-review-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(
                at: workFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReviewServerError.proxyFailed("cannot create \(workFolder.path): \(error)")
        }
        let playable = try VideoProxy.playableFile(
            for: configuration.input, in: workFolder, frames: file.media.frames,
            durationSeconds: file.media.durationSeconds)
        let media = ReviewProject.Media(
            fileName: file.media.fileName, width: file.media.width, height: file.media.height,
            frames: file.media.frames,
            fps: playable.fps, proxyWidth: playable.width, proxyHeight: playable.height, isProxy: playable.isProxy)
        let video = MediaFile(url: playable.url, contentType: "video/mp4")
        let state = ReviewState(session: session, configuration: configuration, media: media)
        return (.video(state, video), workFolder)
    }

    /// Loads the detections file, checks it against the photos as they are now, and replays
    /// an existing log.
    private static func openPhotos(_ configuration: Configuration) throws -> PhotoReview {
        let file: PhotoDetections
        let detectionsSHA256: String
        do {
            file = try PhotoDetections.load(from: configuration.tracksURL)
            detectionsSHA256 = try SHA256.hex(ofFileAt: configuration.tracksURL)
        } catch {
            throw ReviewServerError.cannotOpen("\(error)")
        }
        for photo in file.photos {
            let url = PhotoDetections.photoURL(photo.fileName, input: configuration.input)
            let sha = (try? SHA256.hex(ofFileAt: url)) ?? "unreadable"
            guard sha == photo.sha256 else {
                throw ReviewServerError.cannotOpen(
                    "\(url.path): changed since \(configuration.tracksURL.lastPathComponent) was made "
                        + "(sha256 \(sha.prefix(12))…, recorded \(photo.sha256.prefix(12))…)")
            }
        }
        do {
            var entries: [EditLogEntry] = []
            if FileManager.default.fileExists(atPath: configuration.logURL.path) {
                entries = try EditLog.load(from: configuration.logURL)
            }
            return try PhotoReview.replay(entries, onto: file, detectionsSHA256: detectionsSHA256)
        } catch {
            throw ReviewServerError.cannotOpen(
                "edits log \(configuration.logURL.lastPathComponent): \(error); move it away to start a new review")
        }
    }

    /// The address to open once listening on `port`: `http://127.0.0.1:PORT/?token=TOKEN`.
    public func address(port: Int) -> URL {
        URL(string: "http://127.0.0.1:\(port)/?token=\(gate.token)")!
    }

    /// The request handler, with the `Host` policy given (tests) or derived from the bound port.
    func responder(hosts: HostPolicy? = nil) -> ReviewResponder {
        let boundPort = boundPort
        let policy: @Sendable () -> HostPolicy = {
            if let hosts { return hosts }
            // Until the port is known nothing is accepted.
            return boundPort.value.withLock { $0 }.map { HostPolicy(port: $0) } ?? HostPolicy(accepting: [])
        }
        return ReviewResponder(hosts: policy, gate: gate, backend: backend, page: page)
    }

    /// The Hummingbird application: loopback only, on the configured port.
    ///
    /// - Parameters:
    ///   - hosts: accept these `Host` values instead of the bound address (tests without sockets).
    ///   - onListening: called once with the port actually bound.
    public func application(
        hosts: HostPolicy? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "veil-review")
        logger.logLevel = .warning
        let boundPort = boundPort
        return Application(
            responder: responder(hosts: hosts),
            configuration: ApplicationConfiguration(
                address: .hostname("127.0.0.1", port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                boundPort.value.withLock { $0 = port }
                await onListening(port)
            },
            logger: logger
        )
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully (requests in flight finish; every
    /// accepted edit is already in the log) and removes the private work folder.
    ///
    /// - Parameter onListening: called once with the address to open (port and token).
    public func run(onListening: @escaping @Sendable (URL) -> Void) async throws {
        defer { removeWorkFolder() }
        let app = application { port in onListening(address(port: port)) }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Removes the folder holding the browser-playable copy.
    public func removeWorkFolder() {
        if let workFolder { try? FileManager.default.removeItem(at: workFolder) }
    }
}

/// What the server reviews: a video (its state and the playable file) or photos.
enum ReviewBackend: Sendable {
    case video(ReviewState, MediaFile)
    case photos(PhotoReviewState)
}

/// The port the server bound, once known (a class so the server value stays copyable).
final class BoundPort: Sendable {
    let value = Mutex<Int?>(nil)
}
