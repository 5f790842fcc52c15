import Foundation
import Testing
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview

#if canImport(Glibc)
    import Glibc
#endif

/// `veil review` as a user starts it: the address first on stdout, a socket on 127.0.0.1 only,
/// the `Host` and token checks on the real socket, and Ctrl-C ending it with status 0. Runs only
/// where the binary has the review server (not in the sanitizer build).
@Suite struct ReviewCommandTests {
    static var hasReviewCommand: Bool {
        (try? CLITests.veil(["review", "--help"]).status) == 0
    }

    @Test(.enabled(if: hasReviewCommand)) func printsTheAddressFirstListensOnLoopbackOnlyAndStopsOnCtrlC() throws {
        let root = try CLITests.directory()
        let clip = try ReviewRenderTests.clip(in: root)
        let tracksURL = root.appendingPathComponent("clip.tracks.json")
        try ReviewRenderTests.tracksFile(for: clip).jsonData().write(to: tracksURL)
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["review", clip.path, "--tracks", tracksURL.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let firstLine = try Self.firstLine(of: out.fileHandleForReading, timeout: 60)
        let address = try #require(URLComponents(string: firstLine), "first line: \(firstLine)")
        #expect(address.scheme == "http")
        #expect(address.host == "127.0.0.1")
        #expect(address.path == "/")
        let port = try #require(address.port)
        let token = try #require(address.queryItems?.first { $0.name == "token" }?.value)
        #expect(token.count == 64)

        // The only listening socket on this port is 127.0.0.1's (/proc/net/tcp: 0100007F).
        let hexPort = String(format: "%04X", port)
        let listening = Self.listeningAddresses(port: hexPort)
        #expect(listening == ["0100007F"], "listening on \(listening)")

        let foreign = try Self.request("GET / HTTP/1.1\r\nHost: evil.example:\(port)\r\n\r\n", port: port)
        #expect(foreign.hasPrefix("HTTP/1.1 403"), "\(foreign)")
        let anonymous = try Self.request("GET /api/project HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n", port: port)
        #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous)")
        let exchange = try Self.request(
            "GET /?token=\(token) HTTP/1.1\r\nHost: localhost:\(port)\r\n\r\n", port: port)
        #expect(exchange.hasPrefix("HTTP/1.1 303"), "\(exchange)")
        #expect(exchange.lowercased().contains("set-cookie: veil_review="))
        #expect(exchange.contains("HttpOnly") && exchange.contains("SameSite=Strict"))

        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "still running 20 s after SIGINT")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: hasReviewCommand)) func withoutATracksFileItDetectsFirstAndStopsOnSIGTERM() throws {
        let root = try CLITests.directory()
        let clip = root.appendingPathComponent("face.mp4")
        try CLITests.ffmpeg([
            "-loglevel", "error", "-y", "-loop", "1", "-framerate", "5", "-i", CLITests.astronaut.path, "-t", "1",
            "-vf", "scale=320:320,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", clip.path,
        ])
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["review", clip.path, "--targets", "face", "--detect-size", "320", "--quiet"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let firstLine = try Self.firstLine(of: out.fileHandleForReading, timeout: 120)
        #expect(firstLine.hasPrefix("http://127.0.0.1:"), "first line: \(firstLine)")
        // The same tracks file `veil detect` writes, beside the video, for this video.
        let tracks = try TracksFile.load(from: root.appendingPathComponent("face.tracks.json"))
        try tracks.verify(mediaAt: clip)
        #expect(tracks.media.frames == 5)
        #expect(tracks.tracks.contains { $0.objectClass == .face })
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "still running 20 s after SIGTERM")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test(.enabled(if: hasReviewCommand)) func aFolderOfPhotosIsDetectedOnceAndABadPhotoIsNamedAndLeftOut() throws {
        let root = try CLITests.directory()
        let photos = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLITests.astronaut, to: photos.appendingPathComponent("face.png"))
        try Data("not a photo".utf8).write(to: photos.appendingPathComponent("bad.jpg"))
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["review", photos.path, "--targets", "face", "--quiet"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let firstLine = try Self.firstLine(of: out.fileHandleForReading, timeout: 120)
        #expect(firstLine.hasPrefix("http://127.0.0.1:"), "first line: \(firstLine)")
        let detections = try PhotoDetections.load(from: root.appendingPathComponent("photos.detections.json"))
        #expect(detections.photos.map(\.fileName) == ["face.png"])
        #expect(detections.photos.first?.detections.contains { $0.objectClass == .face } == true)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let messages = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = messages.split(separator: "\n").filter { $0.contains("bad.jpg") }
        #expect(lines.count == 1 && lines[0].hasPrefix("error: "), "stderr: \(messages)")
    }

    /// Reads stdout until the first newline (the address), or fails after `timeout` seconds.
    static func firstLine(of handle: FileHandle, timeout: TimeInterval) throws -> String {
        var bytes = Data()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            bytes.append(chunk)
            if let newline = bytes.firstIndex(of: 0x0A) {
                return String(decoding: bytes[..<newline], as: UTF8.self)
            }
        }
        throw CocoaError(.fileReadUnknown)
    }

    /// Local addresses (hex, as the kernel writes them) listening on `hexPort`, IPv4 and IPv6.
    static func listeningAddresses(port hexPort: String) -> [String] {
        var found: [String] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "0A" else { continue }
                let local = fields[1].split(separator: ":")
                if local.count == 2, local[1] == hexPort { found.append(String(local[0])) }
            }
        }
        return found
    }

    /// Sends raw bytes to 127.0.0.1:`port` and returns the response head and the start of its
    /// body (a raw socket, so the `Host` header is exactly what the test writes).
    static func request(_ text: String, port: Int) throws -> String {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let bytes = Array(text.utf8)
        try #require(send(socketFD, bytes, bytes.count, 0) == bytes.count)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(socketFD, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }
}
