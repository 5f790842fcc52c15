internal import Foundation
internal import VeilCharts

/// The audit's pictures as SVG, drawn by Veil itself (no plotting stack): the distance
/// histogram (masked faces against their own originals and against everyone else's) and the
/// reference-photo ROC. They show numbers only: never a face, a crop or a descriptor.
///
/// ```swift
/// for (name, svg) in AuditPlots.all(report) { try svg.write(toFile: "plots/\(name)", atomically: true, encoding: .utf8) }
/// ```
public enum AuditPlots {
    /// File name → SVG text; empty when the report has no identification (no judged face).
    public static func all(_ report: AuditReport) -> [(name: String, svg: String)] {
        guard let identification = report.identification, identification.probeCount > 0 else { return [] }
        return [
            ("audit-distances.svg", distanceHistogram(identification, threshold: report.matchThreshold)),
            ("audit-roc.svg", roc(identification)),
        ]
    }

    /// Bars per distance bin, each series as a share of its own total, with the threshold marked.
    public static func distanceHistogram(_ identification: GalleryIdentification, threshold: Double) -> String {
        let bins = identification.distanceBins
        let genuineTotal = max(1, bins.map(\.genuineCount).reduce(0, +))
        let impostorTotal = max(1, bins.map(\.impostorCount).reduce(0, +))
        let genuine = bins.map { Double($0.genuineCount) / Double(genuineTotal) }
        let impostor = bins.map { Double($0.impostorCount) / Double(impostorTotal) }
        let top = max(0.05, (genuine + impostor).max() ?? 0)
        var chart = Chart(
            title: "Descriptor distance of masked faces (best attempt)",
            xLabel: "distance", yLabel: "share of pairs", xRange: 0...1.5, yRange: 0...top)
        let width = GalleryIdentification.binWidth
        for (index, bin) in bins.enumerated() {
            chart.bar(x: bin.lowerDistance, width: width / 2, height: impostor[index], colour: Chart.grey)
            chart.bar(x: bin.lowerDistance + width / 2, width: width / 2, height: genuine[index], colour: Chart.red)
        }
        chart.verticalLine(at: threshold, label: "threshold \(format(threshold))")
        chart.legend([
            (Chart.red, "masked ↔ own original (\(identification.probeCount))"),
            (Chart.grey, "masked ↔ other identities (\(impostorTotal))"),
        ])
        return chart.svg
    }

    /// True match rate against false match rate over the thresholds, with the chance diagonal.
    public static func roc(_ identification: GalleryIdentification) -> String {
        var chart = Chart(
            title:
                "Reference-photo match: ROC over thresholds \(format(GalleryIdentification.rocThresholds.first ?? 0))–"
                + "\(format(GalleryIdentification.rocThresholds.last ?? 0))",
            xLabel: "false match rate", yLabel: "true match rate", xRange: 0...1, yRange: 0...1)
        chart.polyline([(0, 0), (1, 1)], colour: Chart.grey, dashed: true)
        let points = [(0.0, 0.0)] + identification.roc.map { ($0.falseMatchRate, $0.trueMatchRate) } + [(1, 1)]
        chart.polyline(points, colour: Chart.red, dashed: false)
        chart.legend([
            (Chart.red, "masked faces (advantage \(identification.verificationAdvantage.map(format) ?? "-"))"),
            (Chart.grey, "chance"),
        ])
        return chart.svg
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
