import Testing
import VeilGeometry
import VeilMasking

@Suite struct MaskPlannerTests {
    let size = PixelSize(width: 1000, height: 800)

    @Test func faceMarginsAndShape() {
        let planner = MaskPlanner(faceShape: .box, faceMargin: Margin(horizontal: 0.1, top: 0.5, bottom: 0.2))
        let face = Detection(objectClass: .face, box: Box(x: 100, y: 100, width: 100, height: 100), score: 0.9)
        let regions = planner.regions(for: [face], in: size)
        #expect(regions.map(\.box) == [Box(x: 90, y: 50, width: 120, height: 170)])
        #expect(regions.map(\.shape) == [.box])
        // A face without landmarks gets the typical ones, inside its detection box.
        let landmarks = regions.first?.landmarks ?? []
        #expect(landmarks.count == 5)
        #expect(landmarks.allSatisfy { face.box.contains($0) })
    }

    @Test func platesAreAlwaysBoxes() {
        let planner = MaskPlanner(faceShape: .ellipse)
        let plate = Detection(objectClass: .plate, box: Box(x: 100, y: 100, width: 100, height: 20), score: 0.9)
        #expect(planner.regions(for: [plate], in: size).first?.shape == .box)
    }

    @Test func defaultEllipseCoversItsDetectionBox() {
        // With the default margin, the ellipse must cover ≥ 99 % of the detection box itself:
        // the mask is never smaller than what was detected.
        let face = Detection(objectClass: .face, box: Box(x: 300, y: 300, width: 80, height: 100), score: 0.9)
        let regions = MaskPlanner().regions(for: [face], in: size)
        #expect(regions.coverage(of: face.box, samples: 64) >= 0.99)
    }

    @Test func regionsOutsideTheImageAreDropped() {
        let face = Detection(objectClass: .face, box: Box(x: 2000, y: 2000, width: 10, height: 10), score: 0.9)
        #expect(MaskPlanner().regions(for: [face], in: size).isEmpty)
    }

    @Test(arguments: [0.0, 0.85, 0.95])
    func coverageMeasuresTheUnionOfShapes(fraction: Double) {
        // A box region covering the left `fraction` of the target covers that fraction.
        let target = Box(x: 0, y: 0, width: 100, height: 100)
        let region = MaskRegion(
            box: Box(x: 0, y: 0, width: 100 * fraction, height: 100), shape: .box, objectClass: .face)
        #expect(abs([region].coverage(of: target, samples: 100) - fraction) < 0.011)
    }
}
