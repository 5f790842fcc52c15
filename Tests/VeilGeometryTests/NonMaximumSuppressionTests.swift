import Testing
import VeilGeometry

@Suite struct NonMaximumSuppressionTests {
    func face(_ x: Double, _ score: Double, size: Double = 10) -> Detection {
        Detection(objectClass: .face, box: Box(x: x, y: 0, width: size, height: size), score: score)
    }

    @Test func keepsHighestOfOverlapping() {
        let kept = [face(0, 0.5), face(1, 0.9), face(50, 0.3)].suppressingOverlaps(iouThreshold: 0.4)
        #expect(kept.map(\.score) == [0.9, 0.3])
        #expect(kept[0].box.x == 1)
    }

    @Test func differentClassesNeverSuppressEachOther() {
        var plate = face(0, 0.4)
        plate.objectClass = .plate
        let kept = [face(0, 0.9), plate].suppressingOverlaps(iouThreshold: 0.1)
        #expect(kept.count == 2)
    }

    @Test func unionStrategyGrowsTheKeptBox() {
        let kept = [face(0, 0.9), face(3, 0.5)].suppressingOverlaps(iouThreshold: 0.3, strategy: .unionOfOverlaps)
        #expect(kept.count == 1)
        #expect(kept[0].box == Box(x: 0, y: 0, width: 13, height: 10))
        #expect(kept[0].score == 0.9)
    }

    @Test func nestedBoxIsSuppressedEvenAtLowIoU() {
        // A small box wholly inside a large one has a low IoU but is the same object.
        let kept = [face(0, 0.9, size: 40), face(5, 0.6, size: 25)].suppressingOverlaps(iouThreshold: 0.5)
        #expect(kept.count == 1)
    }

    @Test func emptyInput() {
        #expect([Detection]().suppressingOverlaps(iouThreshold: 0.5).isEmpty)
    }
}

@Suite struct NestedBoxTests {
    @Test func largeFalseBoxDoesNotSwallowFaces() {
        // A big low-quality box around two faces must not suppress them, whatever the strategy.
        let big = Detection(objectClass: .face, box: Box(x: 0, y: 0, width: 400, height: 400), score: 0.9)
        let faces = [
            Detection(objectClass: .face, box: Box(x: 50, y: 50, width: 40, height: 40), score: 0.6),
            Detection(objectClass: .face, box: Box(x: 250, y: 80, width: 40, height: 40), score: 0.5),
        ]
        for strategy in [SuppressionStrategy.keepBest, .unionOfOverlaps] {
            let kept = ([big] + faces).suppressingOverlaps(iouThreshold: 0.4, strategy: strategy)
            #expect(kept.count == 3)
        }
    }
}
