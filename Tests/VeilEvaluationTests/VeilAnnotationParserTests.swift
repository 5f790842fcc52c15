import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct VeilAnnotationParserTests {
    static let valid = """
        [
          {"image": "images/a.jpg", "width": 640, "height": 480,
           "objects": [{"class": "face", "box": [10, 20, 30, 40]}, {"class": "plate", "box": [100, 100, 80, 0]}],
           "ignore": [{"class": "face", "box": [300, 10, 80, 40]}]},
          {"image": "images/b.jpg", "width": 320, "height": 240, "objects": []}
        ]
        """

    @Test func readsObjectsIgnoreRegionsAndSizes() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Self.valid, to: "annotations.json")
        for url in [directory.url, file] {
            let dataset = try EvaluationDataset.load(from: url)
            #expect(dataset.format == .veil)
            #expect(dataset.images.map(\.image) == ["images/a.jpg", "images/b.jpg"])
            #expect(dataset.images[0].size == PixelSize(width: 640, height: 480))
            #expect(
                dataset.images[0].objects == [
                    GroundTruthObject(objectClass: .face, box: Box(x: 10, y: 20, width: 30, height: 40)),
                    GroundTruthObject(
                        objectClass: .plate, box: Box(x: 100, y: 100, width: 80, height: 0), ignoreReason: .degenerate),
                    GroundTruthObject(
                        objectClass: .face, box: Box(x: 300, y: 10, width: 80, height: 40), ignoreReason: .annotated),
                ])
            #expect(dataset.objectCount(of: .face) == 1 && dataset.objectCount(of: .plate) == 0)
            #expect(dataset.annotatedClasses == [.face, .plate])
            #expect(
                dataset.imageURL(for: dataset.images[1])?.path == directory.url.appending(path: "images/b.jpg").path)
        }
    }

    @Test(arguments: [
        (
            #"[{"image": "a.jpg", "objects": [{"class": "face", "box": [1, 2, 3]}]}]"#, "[0] (a.jpg).objects[0]",
            "3 numbers"
        ),
        (
            #"[{"image": "a.jpg", "objects": [{"class": "person", "box": [1, 2, 3, 4]}]}]"#, "[0] (a.jpg).objects[0]",
            "unknown class 'person'"
        ),
        (#"[{"image": "a.jpg", "objects": []}, {"objects": []}]"#, "[1]", "missing key 'image'"),
        (
            #"[{"image": "a.jpg", "objects": [{"class": "face", "box": [1, 2, "x", 4]}]}]"#, "[0].objects[0].box[2]",
            "expected a number"
        ),
        (
            #"[{"image": "a.jpg", "ignore": [{"class": "face", "box": [1, 2, -3, 4]}]}]"#, "[0] (a.jpg).ignore[0]",
            "negative"
        ),
        (#"[{"image": "a.jpg", "width": 0, "height": 10}]"#, "[0] (a.jpg)", "not positive"),
    ])
    func malformedEntriesAreNamed(json: String, entry: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(json, to: "annotations.json")
        let error = try #require(loadingError(directory.url))
        guard case .malformedEntry(let path, let foundEntry, let foundReason) = error else {
            Issue.record("expected a malformed entry, got \(error)")
            return
        }
        #expect(path == file.path)
        #expect(foundEntry == entry)
        #expect(foundReason.contains(reason), "\(foundReason)")
        #expect(error.description.hasPrefix("\(file.path): \(entry): "))
    }

    @Test func brokenJSONAndDuplicatesAreErrors() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(#"[{"image": "a.jpg", "objects": [}]"#, to: "annotations.json")
        guard case .malformedEntry(let path, _, let reason) = try #require(loadingError(file)) else {
            Issue.record("expected a malformed entry")
            return
        }
        #expect(path == file.path && reason.hasPrefix("invalid JSON"))

        try directory.write(#"[{"image": "a.jpg"}, {"image": "a.jpg"}]"#, to: "annotations.json")
        #expect(loadingError(file) == .duplicateImage(path: file.path, image: "a.jpg"))
    }
}
