import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct COCOAnnotationParserTests {
    static let document = """
        {"info": {"description": "test"},
         "images": [{"id": 1, "file_name": "one.jpg", "width": 640, "height": 480},
                    {"id": 2, "file_name": "two.jpg", "width": 320, "height": 240}],
         "annotations": [
           {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10.5, 20, 30, 40], "iscrowd": 0, "area": 1200},
           {"id": 11, "image_id": 1, "category_id": 1, "bbox": [100, 100, 50, 50], "iscrowd": 1},
           {"id": 12, "image_id": 2, "category_id": 2, "bbox": [5, 5, 60, 20]},
           {"id": 13, "image_id": 2, "category_id": 3, "bbox": [0, 0, 100, 200]}],
         "categories": [{"id": 1, "name": "human_face"}, {"id": 2, "name": "License Plate"},
                        {"id": 3, "name": "person"}]}
        """

    @Test func mapsCategoriesByNameAndCrowdsToIgnored() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.document, to: "annotations/instances_val.json")
        try directory.makeFolder("images")
        let dataset = try EvaluationDataset.load(from: directory.url)
        #expect(dataset.format == .coco)
        #expect(dataset.images.map(\.image) == ["one.jpg", "two.jpg"])
        #expect(
            dataset.images[0].objects == [
                GroundTruthObject(objectClass: .face, box: Box(x: 10.5, y: 20, width: 30, height: 40)),
                GroundTruthObject(
                    objectClass: .face, box: Box(x: 100, y: 100, width: 50, height: 50), ignoreReason: .crowd),
            ])
        // "person" maps to nothing and is dropped.
        #expect(
            dataset.images[1].objects == [
                GroundTruthObject(objectClass: .plate, box: Box(x: 5, y: 5, width: 60, height: 20))
            ])
        #expect(dataset.images[1].size == PixelSize(width: 320, height: 240))
        #expect(dataset.imageDirectory?.path == directory.url.appending(path: "images").path)
    }

    @Test func mapsEveryCategoryToOneClassOnRequest() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Self.document, to: "faces.json")
        let dataset = try EvaluationDataset.load(from: file, options: DatasetLoadOptions(cocoCategories: .all(.face)))
        #expect(dataset.objectCount(of: .face) == 3 && dataset.objectCount(of: .plate) == 0)
        #expect(dataset.imageDirectory?.path == directory.url.path)
    }

    @Test func malformedEntriesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            """
            {"images": [{"id": 1, "file_name": "one.jpg"}],
             "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                             {"id": 8, "image_id": 9, "category_id": 1, "bbox": [0, 0, 1, 1]}],
             "categories": [{"id": 1, "name": "face"}]}
            """,
            to: "coco.json"
        )
        #expect(
            loadingError(file)
                == .malformedEntry(
                    path: file.path, entry: "annotations[1] (id 8)", reason: "image_id 9 is not in 'images'"
                ))

        try directory.write(
            #"{"images": [], "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}], "categories": []}"#,
            to: "coco.json"
        )
        #expect(
            loadingError(file)
                == .malformedEntry(
                    path: file.path, entry: "annotations[0]", reason: "image_id 1 is not in 'images'"
                ))

        try directory.write(
            #"{"images": [{"id": 1, "file_name": "a"}], "categories": [{"id": 1, "name": "face"}], "#
                + #""annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]}"#,
            to: "coco.json"
        )
        guard case .malformedEntry(_, "annotations[0]", let reason) = try #require(loadingError(file)) else {
            Issue.record("expected a malformed annotation")
            return
        }
        #expect(reason.contains("3 numbers"))
    }

    @Test func unmappableCategoriesAskForAClass() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            #"{"images": [], "annotations": [], "categories": [{"id": 1, "name": "dog"}, {"id": 2, "name": "cat"}]}"#,
            to: "coco.json"
        )
        guard case .malformedEntry(_, "categories", let reason) = try #require(loadingError(file)) else {
            Issue.record("expected a categories error")
            return
        }
        #expect(reason.contains("dog, cat"))
        #expect(
            try EvaluationDataset.load(from: file, options: DatasetLoadOptions(cocoCategories: .all(.plate))).images
                .isEmpty)
    }

    @Test func objectWithoutCOCOKeysIsNotCOCO() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(#"{"frames": []}"#, to: "other.json")
        guard case .unrecognizedFormat(let path, let reason) = try #require(loadingError(file)) else {
            Issue.record("expected an unrecognised format")
            return
        }
        #expect(path == file.path && reason.contains("missing key 'images'"))
    }
}
