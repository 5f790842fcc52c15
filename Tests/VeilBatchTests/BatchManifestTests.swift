import Foundation
import Testing
import VeilBatch
import VeilGeometry

@Suite struct BatchManifestTests {
    let folder = URL(fileURLWithPath: "/data/project")
    let output = URL(fileURLWithPath: "/out")

    func plan(_ text: String) throws -> BatchManifest {
        try BatchManifest(data: Data(text.utf8), folder: folder, outputRoot: output, displayName: "m.txt")
    }

    @Test func plainPathsResolveAgainstTheManifestFolderAndMirror() throws {
        let manifest = try plan("# comment\n\ncams/a.jpg\n  cams/b/c.avi  \n/elsewhere/d.heic\n/data/project/e.png\n")
        #expect(
            manifest.items.map(\.job.input.path) == [
                "/data/project/cams/a.jpg", "/data/project/cams/b/c.avi", "/elsewhere/d.heic", "/data/project/e.png",
            ])
        // The same renaming as `anonymize`: AVI → MP4, HEIC → JPEG.
        #expect(manifest.items.map(\.relativeOutput) == ["cams/a.jpg", "cams/b/c.mp4", "elsewhere/d.jpg", "e.png"])
        #expect(
            manifest.items.map(\.job.output.path) == [
                "/out/cams/a.jpg", "/out/cams/b/c.mp4", "/out/elsewhere/d.jpg", "/out/e.png",
            ])
        #expect(manifest.items.map(\.index) == [0, 1, 2, 3])
        #expect(manifest.items.map(\.job.relativePath) == ["cams/a.jpg", "cams/b/c.avi", "elsewhere/d.heic", "e.png"])
    }

    @Test func jsonLinesCarryOutputAndOptions() throws {
        let manifest = try plan(
            #"""
            {"input": "a.jpg", "output": "public/x.jpg", "options": {"quality": 70, "targets": ["face"], "allowDamaged": true}}
            b.jpg
            """#)
        #expect(manifest.items[0].relativeOutput == "public/x.jpg")
        #expect(manifest.items[0].options == ItemOptions(quality: 70, targets: [.face], allowDamaged: true))
        #expect(manifest.items[1].options == ItemOptions())
        var base = manifest.items[0].options.applied(to: .init())
        #expect(base.quality == 70 && base.targets == [.face] && base.acceptsDamagedImages)
        base = manifest.items[1].options.applied(to: .init())
        #expect(base.quality == 92 && base.targets == [.face, .plate])
    }

    @Test(arguments: [
        ("{\"output\": \"x.jpg\"}", "m.txt:1: \"input\" (a path) is missing"),
        ("a.jpg\n{\"input\": \"b.jpg\", \"colour\": 1}", "m.txt:2: unknown field(s) colour"),
        ("{\"input\": \"b.jpg\", \"options\": {\"qualty\": 1}}", "unknown option(s) qualty"),
        ("{\"input\": \"b.jpg\", \"options\": {\"quality\": 0}}", "\"quality\" must be between 1 and 100"),
        ("{\"input\": \"b.jpg\", \"options\": {\"quality\": \"high\"}}", "\"quality\" has the wrong type"),
        ("{\"input\": \"b.jpg\", \"output\": \"../x.jpg\"}", "must be a relative path inside the output folder"),
        ("{\"input\": \"b.jpg\", \"output\": \"/x.jpg\"}", "must be a relative path inside the output folder"),
        ("{not json", "m.txt:1: not a JSON object"),
        ("{\"input\": \"b.jpg\", \"output\": \".veil-batch/done/x.jpg\"}", "inside the output folder"),
        ("{\"input\": \"b.jpg\", \"output\": \"batch-report.json\"}", "inside the output folder"),
        ("# only a comment\n\n", "names no input"),
    ])
    func badLinesAreNamedByNumber(text: String, message: String) {
        #expect {
            _ = try plan(text)
        } throws: { error in
            (error as? BatchError)?.description.contains(message) == true
        }
    }

    @Test func collisionsAreFoundBeforeAnyWork() throws {
        // a.jpg and a.ppm are both written as a.jpg; an explicit output may also collide.
        let manifest = try plan("a.jpg\na.ppm\n{\"input\": \"c.jpg\", \"output\": \"a.jpg\"}\nd.jpg\n")
        #expect(manifest.conflicts.count == 1)
        #expect(manifest.conflicts.first?.contains("3 inputs") == true)
    }

    @Test func shardsSplitTheItemsWithoutOverlap() throws {
        let manifest = try plan((0..<10).map { "f\($0).jpg" }.joined(separator: "\n"))
        let shards = try (0..<3).map { try ShardSelection(index: $0, count: 3) }
        let split = shards.map { manifest.items(of: $0).map(\.index) }
        #expect(split == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]])
    }

    @Test func theHashFollowsTheBytes() throws {
        #expect(try plan("a.jpg").sha256 == (try plan("a.jpg").sha256))
        #expect(try plan("a.jpg").sha256 != (try plan("b.jpg").sha256))
    }
}
