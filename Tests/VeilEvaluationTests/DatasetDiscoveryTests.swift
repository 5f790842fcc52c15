import Foundation
import Testing
import VeilEvaluation

@Suite struct DatasetDiscoveryTests {
    @Test func missingPathIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appending(path: "nowhere")
        #expect(loadingError(missing) == .unreadable(path: missing.path, reason: "no such file or directory"))
    }

    @Test func emptyDirectoryHasNoAnnotations() throws {
        let directory = try TemporaryDirectory()
        #expect(loadingError(directory.url) == .noAnnotationsFound(directory: directory.url.path))
    }

    @Test func severalCandidatesAreAmbiguous() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.jpg\n0\n", to: "wider_face_split/wider_face_train_bbx_gt.txt")
        try directory.write("a.jpg\n0\n", to: "wider_face_split/wider_face_val_bbx_gt.txt")
        #expect(
            loadingError(directory.url)
                == .ambiguousAnnotations(
                    directory: directory.url.path,
                    candidates: ["wider_face_train_bbx_gt.txt", "wider_face_val_bbx_gt.txt"]
                ))
    }

    @Test func annotationsJSONWinsOverOtherFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("[]", to: "annotations.json")
        try directory.write("{}", to: "other.json")
        #expect(try EvaluationDataset.load(from: directory.url).format == .veil)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let directory = try TemporaryDirectory()
        try directory.write("\u{FEFF}  [{\"image\": \"a.jpg\", \"objects\": []}]", to: "annotations.json")
        #expect(try EvaluationDataset.load(from: directory.url).images.count == 1)
    }

    @Test func unknownContentIsNotRecognised() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("image,x,y\n", to: "boxes.csv")
        guard case .unrecognizedFormat(let path, _) = try #require(loadingError(file)) else {
            Issue.record("expected an unrecognised format")
            return
        }
        #expect(path == file.path)
    }

    @Test func explicitFormatOverridesRecognition() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("a.jpg\n1\n1 2 3 4 0 0 0 0 0 0\n", to: "faces.gt")
        let dataset = try EvaluationDataset.load(from: file, options: DatasetLoadOptions(format: .widerFace))
        #expect(dataset.objectCount(of: .face) == 1)
    }
}
