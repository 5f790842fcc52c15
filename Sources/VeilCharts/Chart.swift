internal import Foundation

/// A minimal SVG chart: a plot area with axes, ticks, bars, lines and a legend. Veil draws its
/// audit and evaluation plots with it, so no plotting stack is installed; the output holds only
/// numbers and labels.
///
/// ```swift
/// var chart = Chart(title: "Recall", xLabel: "size", yLabel: "recall", xRange: 0...4, yRange: 0...1)
/// chart.bar(x: 0.1, width: 0.8, height: 0.9, colour: Chart.red)
/// try chart.svg.write(toFile: "recall.svg", atomically: true, encoding: .utf8)
/// ```
public struct Chart: Sendable {
    /// Series colour for the measured quantity.
    public static let red = "#c0392b"
    /// A second measured series.
    public static let blue = "#2e86c1"
    /// Series colour for the reference (chance, impostors).
    public static let grey = "#95a5a6"
    /// The picture's size, points.
    public static let size = (width: 640.0, height: 400.0)
    /// Space around the plot area for ticks, labels and the title.
    public static let margin = (left: 64.0, right: 24.0, top: 40.0, bottom: 48.0)

    /// The horizontal axis's values.
    public let xRange: ClosedRange<Double>
    /// The vertical axis's values.
    public let yRange: ClosedRange<Double>
    private var body: [String] = []

    /// An empty chart with its title, axes and five ticks per axis.
    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>)
    {
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
            body.append(text(x(xValue), bottom + 18, Self.format(xValue), anchor: "middle", size: 11))
            body.append(text(left - 6, y(yValue) + 4, Self.format(yValue), anchor: "end", size: 11))
        }
        body.append(text((left + right) / 2, Self.size.height - 10, xLabel, anchor: "middle", size: 12))
        body.append(
            "<text x=\"16\" y=\"\((top + bottom) / 2)\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 16 \((top + bottom) / 2))\">\(escaped(yLabel))</text>")
    }

    /// The horizontal position of a value (clamped to the plot area).
    public func x(_ value: Double) -> Double {
        let fraction = (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        return Self.margin.left + min(1, max(0, fraction)) * (Self.size.width - Self.margin.left - Self.margin.right)
    }

    /// The vertical position of a value (clamped to the plot area).
    public func y(_ value: Double) -> Double {
        let fraction = (value - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return Self.size.height - Self.margin.bottom
            - min(1, max(0, fraction)) * (Self.size.height - Self.margin.top - Self.margin.bottom)
    }

    /// A bar from the axis up to `height`, `width` wide in axis units.
    public mutating func bar(x left: Double, width: Double, height: Double, colour: String) {
        guard height > 0 else { return }
        let (x0, x1, top) = (x(left), x(left + width), y(yRange.lowerBound + height))
        body.append(
            "<rect x=\"\(rounded(x0))\" y=\"\(rounded(top))\" width=\"\(rounded(x1 - x0))\" "
                + "height=\"\(rounded(y(yRange.lowerBound) - top))\" fill=\"\(colour)\"/>")
    }

    /// A line through the points (axis units).
    public mutating func polyline(_ points: [(Double, Double)], colour: String, dashed: Bool) {
        let list = points.map { "\(rounded(x($0.0))),\(rounded(y($0.1)))" }.joined(separator: " ")
        body.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>")
    }

    /// A dashed vertical line at `value`, labelled.
    public mutating func verticalLine(at value: Double, label: String) {
        body.append(line(x(value), y(yRange.lowerBound), x(value), y(yRange.upperBound), colour: "#333", dashed: true))
        body.append(text(x(value) + 4, y(yRange.upperBound) + 12, label, anchor: "start", size: 11))
    }

    /// Coloured squares with labels, top right.
    public mutating func legend(_ entries: [(colour: String, label: String)]) {
        for (index, entry) in entries.enumerated() {
            let top = Self.margin.top + 8 + Double(index) * 18
            let left = Self.size.width - Self.margin.right - 300
            body.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"12\" height=\"12\" fill=\"\(entry.colour)\"/>")
            body.append(text(left + 18, top + 10, entry.label, anchor: "start", size: 12))
        }
    }

    /// A small text at a point (axis units), centred.
    public mutating func label(x value: Double, y height: Double, _ content: String) {
        body.append(text(x(value), y(height) - 4, content, anchor: "middle", size: 11))
    }

    /// The SVG document.
    public var svg: String {
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

    /// Two decimals, for tick labels and legends.
    public static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    private func rounded(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
