import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct CCPDFileNameParserTests {
    /// A CCPD name for a plate: box corners, four outline corners in CCPD's order
    /// (bottom-right, bottom-left, top-left, top-right), then generated character indices.
    static func name(box: (Int, Int, Int, Int), outline: [(Int, Int)], characters: Int = 7, index: Int = 0) -> String {
        let corners = outline.map { "\($0.0)&\($0.1)" }.joined(separator: "_")
        let plate = (0..<characters).map { String(($0 * 7 + index) % 34) }.joined(separator: "_")
        return "0\(index)25-95_113-\(box.0)&\(box.1)_\(box.2)&\(box.3)-\(corners)-\(plate)-37-15.jpg"
    }

    @Test func readsTheBoxAndCornersOfEveryNamedImage() throws {
        let directory = try TemporaryDirectory()
        let base = Self.name(box: (154, 383, 386, 473), outline: [(386, 473), (177, 454), (154, 383), (363, 402)])
        // CCPD-Green: eight characters; in a subset folder as CCPD2019 keeps them.
        let green = Self.name(
            box: (10, 20, 110, 60), outline: [(110, 60), (12, 58), (10, 20), (108, 22)], characters: 8, index: 1)
        try directory.write("", to: "ccpd_base/\(base)")
        try directory.write("", to: "ccpd_green/\(green)")
        try directory.write("", to: "ccpd_np/1004.jpg")  // a name without fields: no plate
        try directory.write("not an image", to: "splits/train.txt")
        let dataset = try EvaluationDataset.load(from: directory.url)
        #expect(dataset.format == .ccpd)
        #expect(dataset.images.map(\.image) == ["ccpd_base/\(base)", "ccpd_green/\(green)", "ccpd_np/1004.jpg"])
        #expect(
            dataset.images[0].objects == [
                GroundTruthObject(
                    objectClass: .plate, box: Box(minX: 154, minY: 383, maxX: 386, maxY: 473),
                    corners: [
                        Point(x: 154, y: 383), Point(x: 363, y: 402), Point(x: 386, y: 473), Point(x: 177, y: 454),
                    ])
            ])
        #expect(dataset.images[1].objects.map(\.box) == [Box(x: 10, y: 20, width: 100, height: 40)])
        #expect(dataset.images[2].objects.isEmpty)
        #expect(dataset.objectCount(of: .plate) == 2)
        #expect(dataset.imageURL(for: dataset.images[0]) == directory.url.appending(path: "ccpd_base/\(base)"))
    }

    @Test(arguments: [
        ("025-95_113-154&383_386&473-386&473_177&454_154&383-0_0_22_27_27_33_16-37-15.jpg", "corners"),
        ("025-95_113-386&473_154&383-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37-15.jpg", "box"),
        ("025-95_113-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22-37-15.jpg", "characters"),
        ("025-95-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37-15.jpg", "tilt"),
        ("025-95_113-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37.jpg", "6 '-'"),
        ("x25-95_113-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37-15.jpg", "area"),
    ])
    func aMalformedNameIsOneErrorNamingTheImageAndField(name: String, field: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "", to: "a/" + Self.name(box: (1, 2, 30, 12), outline: [(30, 12), (1, 12), (1, 2), (30, 2)]))
        try directory.write("", to: "b/\(name)")
        let error = try #require(loadingError(directory.url, options: DatasetLoadOptions(format: .ccpd)))
        guard case .malformedEntry(_, let entry, let reason) = error else {
            Issue.record("expected a malformed entry, got \(error)")
            return
        }
        #expect(entry == "image 'b/\(name)'")
        #expect(reason.contains(field), "\(reason)")
        #expect(!error.description.contains("\n"))
    }

    @Test func aDirectoryOfOtherPhotosIsNotTakenForCCPD() throws {
        let directory = try TemporaryDirectory()
        try directory.write("", to: "holiday-2024.jpg")
        #expect(loadingError(directory.url) == .noAnnotationsFound(directory: directory.url.path))
    }
}
