import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VeilGeometry
import VeilMedia
import VeilPipeline
import VeilReview
import VeilVideo

@testable import VeilReviewServer

/// The HTTP contract (docs/REVIEW-API.md) driven through Hummingbird's router test client: no
/// socket, so the testing framework names every request's host `localhost` and the server is
/// told to accept that (the real policy is checked in ``HostPolicyTests`` and by the CLI test).
@Suite struct ReviewServerTests {
    static let host = HostPolicy(accepting: ["localhost"])

    /// A clip and its tracks: 25 frames of 320 × 240 grey H.264 (yuv420p, MP4, so no proxy),
    /// two white squares as tracks 1 and 2.
    struct Fixture {
        var root: URL
        var clip: URL
        var tracks: URL
        var server: ReviewServer

        var log: URL { server.configuration.logURL }

        init(name: String = #function) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "veil-review-server-\(name.filter(\.isLetter))-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            clip = root.appendingPathComponent("clip.mp4")
            try Self.ffmpeg([
                "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x404040:size=320x240:rate=25:duration=1",
                "-f", "lavfi", "-i", "color=c=white:size=40x40:rate=25:duration=1", "-filter_complex",
                "[0:v][1:v]overlay=x=20:y=20[a];[a][1:v]overlay=x=260:y=20[v]", "-map", "[v]", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip.path,
            ])
            tracks = root.appendingPathComponent("clip.tracks.json")
            try Self.tracksFile(for: clip).jsonData().write(to: tracks)
            var settings = AnonymizationSettings()
            settings.masker.style = .fill
            server = try ReviewServer(
                configuration: .init(input: clip, tracks: tracks, settings: settings, version: "test"))
        }

        static func ffmpeg(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ffmpeg"] + arguments
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "ffmpeg could not make the test input")
        }

        static func tracksFile(for clip: URL) throws -> TracksFile {
            let bytes = try FileManager.default.attributesOfItem(atPath: clip.path)[.size] as? Int ?? 0
            var file = TracksFile(
                media: TracksFile.Media(
                    fileName: clip.lastPathComponent, sha256: try SHA256.hex(ofFileAt: clip), bytes: bytes,
                    width: 320, height: 240, frames: 25, durationSeconds: 1),
                provenance: TracksFile.Provenance(
                    tool: "test", models: [], threshold: 0.2, targets: [.face], detectionStride: 1,
                    plateDetectionStride: 1, lookAheadSeconds: 1),
                plans: [])
            file.tracks = [(1, 20.0), (2, 260.0)].map { id, x in
                TracksFile.Track(
                    id: id, objectClass: .face,
                    boxes: (0..<25).map {
                        TracksFile.TrackBox(frame: $0, box: Box(x: x, y: 20, width: 40, height: 40), source: .detected)
                    })
            }
            return file
        }
    }

    /// Exchanges the token and returns the `Cookie` header to send afterwards.
    static func signIn(_ client: some TestClientProtocol, _ server: ReviewServer) async throws -> HTTPFields {
        let response = try await client.execute(uri: "/?token=\(server.gate.token)", method: .get)
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        let pair = try #require(setCookie.split(separator: ";").first)
        var headers = HTTPFields()
        headers[.cookie] = String(pair)
        return headers
    }

    static func post(_ json: String, cookie: HTTPFields) -> (HTTPFields, ByteBuffer) {
        var headers = cookie
        headers[.contentType] = "application/json"
        return (headers, ByteBuffer(string: json))
    }

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test func everyRequestWithoutTheCookieIsRefused() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            for uri in ["/", "/api/project", "/media/video", "/static/app.js", "/nowhere"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(!String(buffer: response.body).contains("<html"))
            }
            let wrong = try await client.execute(uri: "/?token=\(String(repeating: "0", count: 64))", method: .get)
            #expect(wrong.status == .unauthorized)
            var forged = HTTPFields()
            forged[.cookie] = "veil_review=\(String(repeating: "a", count: 64))"
            #expect(
                try await client.execute(uri: "/api/project", method: .get, headers: forged).status == .unauthorized)
        }
    }

    @Test func theTokenWorksOnceAndBecomesAStrictHttpOnlyCookie() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let response = try await client.execute(uri: "/?token=\(fixture.server.gate.token)", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("veil_review="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains(fixture.server.gate.token))
            let again = try await client.execute(uri: "/?token=\(fixture.server.gate.token)", method: .get)
            #expect(again.status == .unauthorized)
            var headers = HTTPFields()
            headers[.cookie] = String(cookie.split(separator: ";")[0])
            let page = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        }
    }

    @Test func aForeignHostIsRefusedBeforeTheToken() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("Host")!] = "evil.example:8080"
            let response = try await client.execute(
                uri: "/?token=\(fixture.server.gate.token)", method: .get, headers: headers)
            #expect(response.status == .forbidden)
            // The token was not spent by the refused request.
            let cookie = try await Self.signIn(client, fixture.server)
            #expect(!cookie.isEmpty)
        }
    }

    @Test func mediaIsServedWithExactByteRanges() async throws {
        let fixture = try Fixture()
        let bytes = [UInt8](try Data(contentsOf: fixture.clip))
        let size = bytes.count
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await Self.signIn(client, fixture.server)
            func get(_ range: String?) async throws -> TestResponse {
                var headers = cookie
                if let range { headers[.range] = range }
                return try await client.execute(uri: "/media/video", method: .get, headers: headers)
            }
            let whole = try await get(nil)
            #expect(whole.status == .ok)
            #expect(whole.headers[.acceptRanges] == "bytes")
            #expect([UInt8](buffer: whole.body) == bytes)
            let first = try await get("bytes=0-99")
            #expect(first.status == .partialContent)
            #expect(first.headers[.contentRange] == "bytes 0-99/\(size)")
            #expect([UInt8](buffer: first.body) == Array(bytes[0...99]))
            let suffix = try await get("bytes=-100")
            #expect(suffix.status == .partialContent)
            #expect(suffix.headers[.contentRange] == "bytes \(size - 100)-\(size - 1)/\(size)")
            #expect([UInt8](buffer: suffix.body) == Array(bytes[(size - 100)...]))
            let open = try await get("bytes=1000-")
            #expect(open.status == .partialContent)
            #expect(open.headers[.contentRange] == "bytes 1000-\(size - 1)/\(size)")
            #expect([UInt8](buffer: open.body) == Array(bytes[1000...]))
            let past = try await get("bytes=\(size)-")
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.contentRange] == "bytes */\(size)")
            #expect(try await get("bytes=-0").status == .rangeNotSatisfiable)
            let several = try await get("bytes=0-9,20-29")
            #expect(several.status == .ok)
            #expect([UInt8](buffer: several.body) == bytes)
        }
    }

    @Test func anEditRoundTripsAndIsLoggedBeforeTheAnswer() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await Self.signIn(client, fixture.server)
            let project = try await client.execute(uri: "/api/project", method: .get, headers: cookie)
            #expect(project.status == .ok)
            let before = try Self.object(project.body)
            #expect(before["unreviewedTrackIDs"] as? [Int] == [1, 2])
            #expect((before["media"] as? [String: Any])?["frames"] as? Int == 25)
            let (headers, body) = Self.post(
                #"{"who": "Ana", "why": "consent form 12", "photo": null, "what": {"op": "keepVisible", "track": 1, "reason": "consented"}}"#,
                cookie: cookie)
            let response = try await client.execute(uri: "/api/edits", method: .post, headers: headers, body: body)
            #expect(response.status == .ok)
            let after = try Self.object(response.body)
            let states = try #require((after["document"] as? [String: Any])?["states"] as? [String: Any])
            #expect((states["1"] as? [String: Any])?["visibleReason"] as? String == "consented")
            #expect(after["canUndo"] as? Bool == true)
            let entries = try EditLog.load(from: fixture.log)
            #expect(entries.count == 1)
            #expect(entries.first?.what == .keepVisible(track: 1, reason: "consented"))
            #expect(entries.first?.who == "Ana")
            #expect(entries.first?.why == "consent form 12")
            // A refused edit is answered 409 and logs nothing.
            let (badHeaders, badBody) = Self.post(
                #"{"who": "Ana", "what": {"op": "keepVisible", "track": 99, "reason": "x"}}"#, cookie: cookie)
            let refused = try await client.execute(uri: "/api/edits", method: .post, headers: badHeaders, body: badBody)
            #expect(refused.status == .conflict)
            #expect((try Self.object(refused.body))["error"] as? String == "track 99 does not exist")
            let (_, notJSON) = Self.post("{", cookie: cookie)
            #expect(
                try await client.execute(uri: "/api/edits", method: .post, headers: headers, body: notJSON).status
                    == .badRequest)
            #expect(try EditLog.load(from: fixture.log).count == 1)
        }
    }

    @Test func undoAndRedoAppendEntriesAndAnExistingLogIsReplayed() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await Self.signIn(client, fixture.server)
            let (headers, edit) = Self.post(
                #"{"who": "Ana", "what": {"op": "setTrackReviewed", "track": 2, "isReviewed": true}}"#, cookie: cookie)
            #expect(
                try await client.execute(uri: "/api/edits", method: .post, headers: headers, body: edit).status == .ok)
            let who = ByteBuffer(string: #"{"who": "Ana"}"#)
            let undone = try await client.execute(uri: "/api/undo", method: .post, headers: headers, body: who)
            #expect(undone.status == .ok)
            #expect((try Self.object(undone.body))["unreviewedTrackIDs"] as? [Int] == [1, 2])
            #expect(
                try await client.execute(uri: "/api/undo", method: .post, headers: headers, body: who).status
                    == .conflict)
            let redone = try await client.execute(uri: "/api/redo", method: .post, headers: headers, body: who)
            #expect(redone.status == .ok)
            #expect((try Self.object(redone.body))["unreviewedTrackIDs"] as? [Int] == [1])
        }
        let actions = try EditLog.load(from: fixture.log).map(\.action)
        #expect(actions == [.do, .undo, .redo])
        // A new server on the same files continues the review.
        let again = try ReviewServer(configuration: fixture.server.configuration)
        guard case .video(let state, _) = again.backend else {
            Issue.record("a video review")
            return
        }
        let project = await state.project
        #expect(project.unreviewedTrackIDs == [1])
        #expect(project.log.count == 3)
    }

    @Test func exportIsRefusedWhileUnreviewedAndTheOverrideIsLoggedAndMatchesRenderEdits() async throws {
        let fixture = try Fixture()
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await Self.signIn(client, fixture.server)
            let (headers, edit) = Self.post(
                #"{"who": "Ana", "what": {"op": "keepVisible", "track": 1, "reason": "consented"}}"#, cookie: cookie)
            #expect(
                try await client.execute(uri: "/api/edits", method: .post, headers: headers, body: edit).status == .ok)
            let refused = try await client.execute(
                uri: "/api/export", method: .post, headers: headers, body: ByteBuffer(string: #"{"who": "Ana"}"#))
            #expect(refused.status == .conflict)
            #expect((try Self.object(refused.body))["unreviewedTrackIDs"] as? [Int] == [1, 2])
            #expect(!FileManager.default.fileExists(atPath: fixture.server.configuration.output.path))
            let allowed = try await client.execute(
                uri: "/api/export", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"who": "Ana", "allowUnreviewed": true}"#))
            #expect(allowed.status == .ok, "\(String(buffer: allowed.body))")
            let result = try Self.object(allowed.body)
            #expect(result["output"] as? String == fixture.server.configuration.output.path)
            #expect(
                result["outputSHA256"] as? String == (try SHA256.hex(ofFileAt: fixture.server.configuration.output)))
        }
        let entries = try EditLog.load(from: fixture.log)
        #expect(entries.last?.what == .allowUnreviewedExport(tracks: [1, 2]))
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.server.configuration.reportURL))
                as? [String: Any])
        let review = try #require(report["review"] as? [String: Any])
        #expect(review["unreviewedExportAllowed"] as? Bool == true)
        #expect((review["decisions"] as? [Any])?.count == 2)
        #expect(report["mediaSHA256"] as? String == (try SHA256.hex(ofFileAt: fixture.clip)))
        // `veil render --edits` runs ReviewedRender on the same log, without any flag: the
        // logged override is enough, and the video is the same.
        var settings = AnonymizationSettings()
        settings.masker.style = .fill
        let replayed = fixture.root.appendingPathComponent("replayed.mp4")
        let render = ReviewedRender(
            input: fixture.clip, tracks: fixture.tracks, edits: fixture.log, output: replayed, settings: settings,
            video: VideoSettings())
        _ = try render.run(try render.prepare(), version: "test")
        try Self.expectSameFrames(fixture.server.configuration.output, replayed)
    }

    static func expectSameFrames(_ a: URL, _ b: URL) throws {
        let left = try VideoReader(url: a)
        let right = try VideoReader(url: b)
        var count = 0
        while let l = try left.nextFrame() {
            let r = try #require(try right.nextFrame())
            #expect(l.image == r.image, "frame \(count) differs")
            count += 1
        }
        #expect(try right.nextFrame() == nil)
        #expect(count == 25)
    }
}
