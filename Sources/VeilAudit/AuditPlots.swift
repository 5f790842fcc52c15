internal import Foundation

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

/// A minimal SVG chart: a plot area with axes, ticks, bars, lines and a legend.
struct Chart {
    static let red = "#c0392b"
    static let grey = "#95a5a6"
    static let size = (width: 640.0, height: 400.0)
    static let margin = (left: 64.0, right: 24.0, top: 40.0, bottom: 48.0)

    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double>
    private var body: [String] = []

    init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.xRange = xRange
        self.yRange = yRange
        let (left, bottom) = (Self.margin.left, Self.size.height - Self.margin.bottom)
        let (right, top) = (Self.size.width - Self.margin.right, Self.margin.top)
        body.append(text(Self.size.width / 2, 24, title, anchor: "middle", size: 15))
        body.append(line(left, bottom, right, bottom, colour: "#333"))
        body.append(line(left, bottom, left, top, colour: "#333"))
        for step in 0...5 {
            let fraction = Double(step) / 5
            let xValue = xRange.lowerBound + fraction * (xRange.upperBound - xRange.lowerBound)
            let yValue = yRange.lowerBound + fraction * (yRange.upperBound - yRange.lowerBound)
            body.append(text(x(xValue), bottom + 18, AuditPlots.format(xValue), anchor: "middle", size: 11))
            body.append(text(left - 6, y(yValue) + 4, AuditPlots.format(yValue), anchor: "end", size: 11))
        }
        body.append(text((left + right) / 2, Self.size.height - 10, xLabel, anchor: "middle", size: 12))
        body.append(
            "<text x=\"16\" y=\"\((top + bottom) / 2)\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 16 \((top + bottom) / 2))\">\(escaped(yLabel))</text>")
    }

    func x(_ value: Double) -> Double {
        let fraction = (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        return Self.margin.left + min(1, max(0, fraction)) * (Self.size.width - Self.margin.left - Self.margin.right)
    }

    func y(_ value: Double) -> Double {
        let fraction = (value - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return Self.size.height - Self.margin.bottom
            - min(1, max(0, fraction)) * (Self.size.height - Self.margin.top - Self.margin.bottom)
    }

    mutating func bar(x left: Double, width: Double, height: Double, colour: String) {
        guard height > 0 else { return }
        let (x0, x1, top) = (x(left), x(left + width), y(yRange.lowerBound + height))
        body.append(
            "<rect x=\"\(rounded(x0))\" y=\"\(rounded(top))\" width=\"\(rounded(x1 - x0))\" "
                + "height=\"\(rounded(y(yRange.lowerBound) - top))\" fill=\"\(colour)\"/>")
    }

    mutating func polyline(_ points: [(Double, Double)], colour: String, dashed: Bool) {
        let list = points.map { "\(rounded(x($0.0))),\(rounded(y($0.1)))" }.joined(separator: " ")
        body.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>")
    }

    mutating func verticalLine(at value: Double, label: String) {
        body.append(line(x(value), y(yRange.lowerBound), x(value), y(yRange.upperBound), colour: "#333", dashed: true))
        body.append(text(x(value) + 4, y(yRange.upperBound) + 12, label, anchor: "start", size: 11))
    }

    mutating func legend(_ entries: [(colour: String, label: String)]) {
        for (index, entry) in entries.enumerated() {
            let top = Self.margin.top + 8 + Double(index) * 18
            let left = Self.size.width - Self.margin.right - 300
            body.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"12\" height=\"12\" fill=\"\(entry.colour)\"/>")
            body.append(text(left + 18, top + 10, entry.label, anchor: "start", size: 12))
        }
    }

    var svg: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.size.width))\" height=\"\(Int(Self.size.height))\" "
            + "viewBox=\"0 0 \(Int(Self.size.width)) \(Int(Self.size.height))\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }

    private func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, colour: String, dashed: Bool = false)
        -> String
    {
        "<line x1=\"\(rounded(x0))\" y1=\"\(rounded(y0))\" x2=\"\(rounded(x1))\" y2=\"\(rounded(y1))\" "
            + "stroke=\"\(colour)\"" + (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>"
    }

    private func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int) -> String {
        "<text x=\"\(rounded(x))\" y=\"\(rounded(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">"
            + "\(escaped(content))</text>"
    }

    private func rounded(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
