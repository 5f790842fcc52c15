import Testing
import VeilGeometry

/// Detections of overlapping pieces of one image merged (``Swift/Array/mergingAcrossPieces(iouThreshold:)``).
@Suite struct PieceMergeTests {
    func face(_ x: Double, width: Double = 20, score: Double = 0.9) -> Detection {
        Detection(objectClass: .face, box: Box(x: x, y: 0, width: width, height: 20), score: score)
    }

    @Test func anObjectSeenByTwoPiecesIsKeptOnceWhole() {
        // Whole in the first piece, cut by the second's edge (x 110).
        let merged = [[face(100, score: 0.8)], [face(110, width: 10, score: 0.9)]].mergingAcrossPieces()
        #expect(merged.count == 1)
        #expect(merged[0].box == Box(x: 100, y: 0, width: 20, height: 20))
        #expect(merged[0].score == 0.9)
    }

    @Test func detectionsOfOnePieceAreNeverMerged() {
        let single = [face(0), face(5), face(200)]
        #expect([single].mergingAcrossPieces() == single)
        #expect([single, []].mergingAcrossPieces() == single)
    }

    @Test func differentObjectsStayApart() {
        var plate = face(100)
        plate.objectClass = .plate
        let merged = [[face(100)], [plate, face(300)]].mergingAcrossPieces()
        #expect(merged.count == 3)
    }
}
