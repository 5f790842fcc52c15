import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

@Suite struct WIDERFaceParserTests {
    static let groundTruth = """
        0--Parade/0_Parade_marchingband_1_465.jpg
        2
        345 211 4 4 2 0 0 0 2 0 
        331 126 30 30 0 0 0 1 0 0 
        0--Parade/0_Parade_Parade_0_904.jpg
        0
        0 0 0 0 0 0 0 0 0 0 
        1--Handshaking/1_Handshaking_1.jpg\r
        1\r
        10 20 0 5 0 0 0 0 0 0\r

        """

    @Test func readsFacesInvalidFlagsAndEmptyImages() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.groundTruth, to: "wider_face_split/wider_face_val_bbx_gt.txt")
        try directory.makeFolder("WIDER_val/images")
        let dataset = try EvaluationDataset.load(from: directory.url)
        #expect(dataset.format == .widerFace)
        #expect(
            dataset.images.map(\.image) == [
                "0--Parade/0_Parade_marchingband_1_465.jpg", "0--Parade/0_Parade_Parade_0_904.jpg",
                "1--Handshaking/1_Handshaking_1.jpg",
            ])
        #expect(
            dataset.images[0].objects == [
                GroundTruthObject(objectClass: .face, box: Box(x: 345, y: 211, width: 4, height: 4)),
                GroundTruthObject(
                    objectClass: .face, box: Box(x: 331, y: 126, width: 30, height: 30), ignoreReason: .invalid),
            ])
        #expect(dataset.images[1].objects.isEmpty)
        #expect(dataset.images[2].objects.map(\.ignoreReason) == [.degenerate])
        #expect(dataset.images[0].size == nil)
        #expect(dataset.imageDirectory?.path == directory.url.appending(path: "WIDER_val/images").path)
    }

    @Test(arguments: [
        // The count says 2 but only one face follows: the next file name is reported.
        ("a.jpg\n2\n1 2 3 4 0 0 0 0 0 0\nb.jpg\n0\n", "line 4 (image 'a.jpg', face 2 of 2)", "found 'b.jpg'"),
        ("a.jpg\n1\n1 2 3 4 0 0 0\n", "line 3 (image 'a.jpg', face 1 of 1)", "found 7"),
        ("a.jpg\nmany\n", "line 2 (image 'a.jpg')", "expected the number of faces, found 'many'"),
        ("a.jpg\n", "line 2 (image 'a.jpg')", "found the end of the file"),
        ("a.jpg\n1\n1 2 3 4 0 0 0 0 0 0\n5 6 7 8 0 0 0 0 0 0\n", "line 4", "expected an image file name"),
        ("a.jpg\n1\n1 2 -3 4 0 0 0 0 0 0\n", "line 3 (image 'a.jpg', face 1 of 1)", "negative"),
    ])
    func malformedLinesAreNamed(text: String, entry: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(text, to: "wider_face_val_bbx_gt.txt")
        let error = try #require(loadingError(file))
        guard case .malformedEntry(let path, let foundEntry, let foundReason) = error else {
            Issue.record("expected a malformed entry, got \(error)")
            return
        }
        #expect(path == file.path)
        #expect(foundEntry == entry)
        #expect(foundReason.contains(reason), "\(foundReason)")
    }
}
