import Foundation
import Testing
import VeilEvaluation
import VeilGeometry

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `veil evaluate --plots`: the SVGs parse as XML and draw the report's numbers.
@Suite struct EvaluationPlotsTests {
    /// Four faces (two large, two small); three detections: two hits on the large faces, then a
    /// false positive with the lowest score.
    func report() throws -> EvaluationReport {
        let large = [Box(x: 10, y: 10, width: 100, height: 100), Box(x: 200, y: 10, width: 100, height: 100)]
        let small = [Box(x: 10, y: 200, width: 10, height: 10), Box(x: 40, y: 200, width: 10, height: 10)]
        let dataset = EvaluationDataset(images: [
            AnnotatedImage(image: "a", objects: (large + small).map { GroundTruthObject(objectClass: .face, box: $0) })
        ])
        return try Evaluator(configuration: EvaluationConfiguration(scoreThreshold: 0.1)).evaluate(
            dataset: dataset,
            predictions: [
                ImagePrediction(
                    image: "a",
                    detections: [
                        Detection(objectClass: .face, box: large[0], score: 0.9),
                        Detection(objectClass: .face, box: large[1], score: 0.8),
                        Detection(objectClass: .face, box: Box(x: 400, y: 400, width: 50, height: 50), score: 0.3),
                    ],
                    maskRegions: large.map { MaskRegion(box: $0, shape: .box, objectClass: .face) },
                    elapsedSeconds: 0.01)
            ])
    }

    /// Every element's attributes, in document order; throws when the text is not well-formed XML.
    func elements(of svg: String) throws -> [(name: String, attributes: [String: String])] {
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [(name: String, attributes: [String: String])] = []
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                elements.append((name, attributes))
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed: \(parser.parserError.map(String.init(describing:)) ?? "")")
        return collector.elements
    }

    @Test func writesACurveAndSizeBarsPerClass() throws {
        let plots = EvaluationPlots.all(try report())
        #expect(plots.map(\.name) == ["evaluation-pr-face.svg", "evaluation-sizes-face.svg"])
        for plot in plots {
            let elements = try elements(of: plot.svg)
            #expect(elements.first?.name == "svg")
        }
    }

    @Test func theCurveDrawsTheReportsPoints() throws {
        let report = try report()
        let metrics = try #require(report.classes[.face])
        let curve = try #require(metrics.precisionRecallCurve)
        // Recall 0.25 then 0.5 at precision 1, then the false positive: 0.5 at 2/3.
        #expect(curve.map(\.recall) == [0.25, 0.5, 0.5])
        #expect(abs(curve[2].precision - 2.0 / 3) < 1e-9)
        let svg = try #require(EvaluationPlots.all(report).first { $0.name.hasPrefix("evaluation-pr") }).svg
        let line = try #require(try elements(of: svg).first { $0.name == "polyline" })
        let points = try #require(line.attributes["points"]).split(separator: " ").map { pair in
            pair.split(separator: ",").compactMap { Double($0) }
        }
        // The plot area spans x 64…616 and y 360…40 (Chart's margins) for 0…1 on both axes.
        #expect(points.count == curve.count)
        for (point, value) in zip(points, curve) {
            #expect(abs(point[0] - (64 + value.recall * 552)) < 0.1)
            #expect(abs(point[1] - (352 - value.precision * 312)) < 0.1)
        }
    }

    @Test func theSizeBarsAreAsTallAsTheRecall() throws {
        let report = try report()
        let metrics = try #require(report.classes[.face])
        let svg = try #require(EvaluationPlots.all(report).first { $0.name.hasPrefix("evaluation-sizes") }).svg
        let bars = try elements(of: svg).filter { $0.name == "rect" && $0.attributes["fill"] != "white" }
            .filter { $0.attributes["width"] != "12" }  // legend squares
        let heights = bars.compactMap { $0.attributes["height"].flatMap(Double.init) }
        // One bar per bucket with a recall above 0 (matched and covered), 312 points for recall 1.1.
        let expected = metrics.sizeBuckets.flatMap { [$0.recall ?? 0, $0.coverageRecall ?? 0] }.filter { $0 > 0 }
        #expect(heights.count == expected.count)
        for (height, recall) in zip(heights, expected) {
            #expect(abs(height - recall / 1.1 * 312) < 0.2, "\(height) for recall \(recall)")
        }
        #expect(expected.contains(1) && metrics.sizeBuckets.contains { $0.recall == 0 })
    }

    @Test func aLongCurveIsThinnedButKeepsItsEnds() {
        let outcomes = (0..<1000).map {
            PrecisionRecallCurve.Outcome(score: 1 - Double($0) / 1000, isTruePositive: $0 % 3 != 0)
        }
        let curve = PrecisionRecallCurve(outcomes: outcomes, groundTruthCount: 800)
        let thinned = curve.thinned(toAtMost: 200)
        #expect(thinned.count == 200)
        #expect(thinned.first == curve.points.first && thinned.last == curve.points.last)
    }
}
