internal import Foundation
internal import VeilCharts
public import VeilGeometry

/// `veil evaluate --plots`: the precision–recall curve and the recall per object size of each
/// class as SVG, drawn by Veil itself (no plotting stack). Numbers only: no image, no box.
///
/// ```swift
/// for plot in EvaluationPlots.all(report) { try plot.svg.write(toFile: "plots/\(plot.name)", atomically: true, encoding: .utf8) }
/// ```
public enum EvaluationPlots {
    /// File name → SVG text: `evaluation-pr-CLASS.svg` for classes with a curve and
    /// `evaluation-sizes-CLASS.svg` for classes with ground truth.
    public static func all(_ report: EvaluationReport) -> [(name: String, svg: String)] {
        var plots: [(name: String, svg: String)] = []
        for objectClass in report.classes.keys.sorted() {
            guard let metrics = report.classes[objectClass] else { continue }
            if let curve = metrics.precisionRecallCurve, !curve.isEmpty {
                plots.append(
                    ("evaluation-pr-\(objectClass.rawValue).svg", precisionRecall(curve, of: objectClass, metrics)))
            }
            if metrics.groundTruthCount > 0 {
                plots.append(("evaluation-sizes-\(objectClass.rawValue).svg", sizes(metrics, of: objectClass)))
            }
        }
        return plots
    }

    /// Precision against recall at IoU 0.5, one point per score, with the operating point's
    /// recall and precision in the legend.
    public static func precisionRecall(
        _ curve: [PrecisionRecallCurve.Point], of objectClass: ObjectClass, _ metrics: ClassMetrics
    ) -> String {
        var chart = Chart(
            title: "\(objectClass.rawValue): precision–recall at IoU 0.5",
            xLabel: "recall", yLabel: "precision", xRange: 0...1, yRange: 0...1)
        let points = curve.map { ($0.recall, $0.precision) }
        chart.polyline(points, colour: Chart.red, dashed: false)
        chart.legend([
            (Chart.red, "AP50 \(metrics.averagePrecision50.map(Chart.format) ?? "-") over \(curve.count) scores"),
            (
                Chart.grey,
                "at the threshold: recall \(metrics.recall.map(Chart.format) ?? "-"), precision "
                    + "\(metrics.precision.map(Chart.format) ?? "-")"
            ),
        ])
        return chart.svg
    }

    /// Per size bucket, matched recall (red) and mask-coverage recall (blue) as bars, with
    /// the bucket's object count above.
    public static func sizes(_ metrics: ClassMetrics, of objectClass: ObjectClass) -> String {
        let buckets = metrics.sizeBuckets
        var chart = Chart(
            title: "\(objectClass.rawValue): recall per object size (shorter side, pixels)",
            xLabel: buckets.map(\.label).joined(separator: " · "), yLabel: "recall",
            xRange: 0...Double(max(1, buckets.count)), yRange: 0...1.1)
        for (index, bucket) in buckets.enumerated() {
            let left = Double(index) + 0.15
            chart.bar(x: left, width: 0.35, height: bucket.recall ?? 0, colour: Chart.red)
            chart.bar(x: left + 0.35, width: 0.35, height: bucket.coverageRecall ?? 0, colour: Chart.blue)
            chart.label(
                x: Double(index) + 0.5, y: max(bucket.recall ?? 0, bucket.coverageRecall ?? 0),
                "\(bucket.label): \(bucket.groundTruthCount)")
        }
        chart.legend([(Chart.red, "matched (IoU)"), (Chart.blue, "covered by a mask")])
        return chart.svg
    }
}
