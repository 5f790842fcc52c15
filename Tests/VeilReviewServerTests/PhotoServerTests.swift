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

@testable import VeilReviewServer

/// The photo endpoints of docs/REVIEW-API.md ("Photos"), through Hummingbird's router client.
@Suite struct PhotoServerTests {
    static let host = ReviewServerTests.host

    /// photos/a.png (two white squares, both detected) and photos/b.png (no detection).
    struct Fixture {
        var root: URL
        var photos: URL
        var server: ReviewServer

        var log: URL { server.configuration.logURL }

        init(name: String = #function) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "veil-photo-server-\(name.filter(\.isLetter))-\(UUID().uuidString)")
            photos = root.appendingPathComponent("photos")
            try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
            var records: [PhotoDetections.Photo] = []
            let boxes: [(String, [Box])] = [
                ("a.png", [Box(x: 4, y: 4, width: 16, height: 16), Box(x: 40, y: 4, width: 16, height: 16)]),
                ("b.png", []),
            ]
            for (name, found) in boxes {
                var image = Image(size: PixelSize(width: 64, height: 48), blue: 128, green: 128, red: 128)
                for y in 4..<20 {
                    for x in [4, 40].flatMap({ $0..<($0 + 16) }) {
                        let offset = image.offset(x: x, y: y)
                        image.pixels.replaceSubrange(offset..<(offset + 3), with: [255, 255, 255])
                    }
                }
                let data = try ImageCodec.encode(image, format: .png, quality: 92)
                try data.write(to: photos.appendingPathComponent(name))
                records.append(
                    .init(
                        fileName: name, sha256: SHA256.hex(of: data), bytes: data.count, width: 64, height: 48,
                        detections: found.map { Detection(objectClass: .face, box: $0, score: 0.9) }))
            }
            let detections = PhotoDetections.url(forInput: photos)
            try PhotoDetections(detector: "test", models: [], threshold: 0.2, targets: [.face], photos: records)
                .jsonData().write(to: detections)
            var settings = AnonymizationSettings()
            settings.masker.style = .fill
            server = try ReviewServer(
                configuration: .photos(input: photos, detections: detections, settings: settings, version: "test"))
        }
    }

    @Test func theProjectListsPhotosAndPhotosAreServedAsJPEG() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            #expect(try await client.execute(uri: "/media/photo/0", method: .get).status == .unauthorized)
            let cookie = try await ReviewServerTests.signIn(client, fixture.server)
            let project = try ReviewServerTests.object(
                try await client.execute(uri: "/api/project", method: .get, headers: cookie).body)
            #expect(project["kind"] as? String == "photos")
            let photos = try #require(project["photos"] as? [[String: Any]])
            #expect(photos.map { $0["fileName"] as? String } == ["a.png", "b.png"])
            #expect(photos[0]["unreviewedTrackIDs"] as? [Int] == [1, 2])
            #expect(project["unreviewedPhotos"] as? [Int] == [0, 1])
            let photo = try await client.execute(uri: "/media/photo/0", method: .get, headers: cookie)
            #expect(photo.status == .ok)
            #expect(photo.headers[.contentType] == "image/jpeg")
            let decoded = try ImageCodec.decode(Data(buffer: photo.body))
            #expect(decoded.size == PixelSize(width: 64, height: 48))
            #expect(try await client.execute(uri: "/media/photo/7", method: .get, headers: cookie).status == .notFound)
            #expect(try await client.execute(uri: "/media/video", method: .get, headers: cookie).status == .notFound)
        }
    }

    @Test func editsNameAPhotoAndUndoIsPerPhoto() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await ReviewServerTests.signIn(client, fixture.server)
            func post(_ path: String, _ json: String) async throws -> TestResponse {
                let (headers, body) = ReviewServerTests.post(json, cookie: cookie)
                return try await client.execute(uri: path, method: .post, headers: headers, body: body)
            }
            let noPhoto = try await post(
                "/api/edits", #"{"who": "Ana", "photo": null, "what": {"op": "mask", "track": 1}}"#)
            #expect(noPhoto.status == .badRequest)
            let keep = try await post(
                "/api/edits",
                #"{"who": "Ana", "why": "form 12", "photo": 0, "what": {"op": "keepVisible", "track": 2, "reason": "consented"}}"#
            )
            #expect(keep.status == .ok)
            let region =
                #"{"id": 1, "label": "badge", "shape": "box", "firstFrame": 0, "lastFrame": 0, "keyframes": [{"frame": 0, "box": {"x": 4, "y": 28, "width": 16, "height": 16}}]}"#
            let add = try await post(
                "/api/edits", #"{"who": "Ana", "photo": 1, "what": {"op": "addRegion", "region": \#(region)}}"#)
            #expect(add.status == .ok)
            let afterAdd = try ReviewServerTests.object(add.body)
            let photos = try #require(afterAdd["photos"] as? [[String: Any]])
            #expect(photos[0]["canUndo"] as? Bool == true)
            #expect(photos[1]["nextRegionID"] as? Int == 2)
            let undone = try await post("/api/undo", #"{"who": "Ana", "photo": 0}"#)
            #expect(undone.status == .ok)
            #expect(try await post("/api/undo", #"{"who": "Ana", "photo": 0}"#).status == .conflict)
            #expect(try await post("/api/undo", #"{"who": "Ana", "photo": 9}"#).status == .notFound)
        }
        let entries = try EditLog.load(from: fixture.log)
        #expect(entries.map(\.photo) == ["a.png", "b.png", "a.png"])
        #expect(entries.map(\.action) == [.do, .do, .undo])
        #expect(entries[0].why == "form 12")
        // A new server on the same files continues the review.
        let again = try ReviewServer(configuration: fixture.server.configuration)
        guard case .photos(let state) = again.backend else {
            Issue.record("a review of photos")
            return
        }
        let project = await state.project
        #expect(project.photos[1].document.regions.count == 1)
        #expect(project.log.count == 3)
    }

    @Test func exportIsRefusedWhileAPhotoIsUnreviewedThenEqualsTheReplay() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await fixture.server.application(hosts: Self.host).test(.router) { client in
            let cookie = try await ReviewServerTests.signIn(client, fixture.server)
            func post(_ path: String, _ json: String) async throws -> TestResponse {
                let (headers, body) = ReviewServerTests.post(json, cookie: cookie)
                return try await client.execute(uri: path, method: .post, headers: headers, body: body)
            }
            #expect(
                try await post(
                    "/api/edits", #"{"who": "Ana", "photo": 0, "what": {"op": "setVideoReviewed", "isReviewed": true}}"#
                )
                .status == .ok)
            let refused = try await post("/api/export", #"{"who": "Ana", "allowUnreviewed": false}"#)
            #expect(refused.status == .conflict)
            #expect(try ReviewServerTests.object(refused.body)["unreviewedPhotos"] as? [String] == ["b.png"])
            let exported = try await post("/api/export", #"{"who": "Ana", "allowUnreviewed": true}"#)
            #expect(exported.status == .ok)
            let result = try ReviewServerTests.object(exported.body)
            #expect(result["photos"] as? Int == 2)
            #expect(result["failures"] as? [String] == [])
        }
        let entries = try EditLog.load(from: fixture.log)
        #expect(entries.last?.what == .allowUnreviewedExport(tracks: []))
        #expect(entries.last?.photo == "b.png")
        let output = fixture.server.configuration.output
        #expect(output.lastPathComponent == "photos.reviewed")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.server.configuration.reportURL))
                as? [String: Any])
        #expect(report["schema"] as? String == "veil-photo-review-report")
        // The replay without the browser writes the same bytes.
        let replay = PhotoReviewedRender(
            input: fixture.photos, detections: fixture.server.configuration.tracksURL, edits: fixture.log,
            output: fixture.root.appendingPathComponent("replay"), settings: fixture.server.configuration.settings)
        let replayed = replay.run(try replay.prepare(), version: "test")
        for photo in replayed.photos {
            let exported = try SHA256.hex(ofFileAt: output.appendingPathComponent(photo.fileName))
            #expect(photo.outputSHA256 == exported)
        }
    }
}
