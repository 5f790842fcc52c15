import Foundation
import VeilGeometry

extension EvaluationReport {
    /// Shown for a metric that is undefined (a zero denominator).
    static let undefinedCell = "-"

    /// The report as a plain-text table for a terminal: one row per class, then recall by size,
    /// then timing.
    ///
    /// ```text
    /// 9 images · IoU 0.50 · score ≥ 0.50 · AP all-point · min size 0 px
    ///
    /// class  GT  ignored  TP  FP  FN  precision  recall     F1   AP50    mAP  coverage  FP/image
    /// face   43        0  40   3   3      0.930   0.930  0.930  0.912  0.456     0.977     0.333
    /// ```
    public func formattedTable() -> String {
        var plateMatchNote = ""
        if classes[.plate] != nil, let coverage = configuration.plateMatchCoverage {
            plateMatchNote = " · plates match when ≥ \(Self.number(coverage * 100, digits: 0)) % inside a detection"
        }
        let sortedClasses = classes.sorted { $0.key < $1.key }
        var lines = [
            "\(imageCount) images · IoU \(Self.number(configuration.iouThreshold, digits: 2))"
                + " · score ≥ \(Self.number(configuration.scoreThreshold, digits: 2))"
                + " · AP \(configuration.interpolation.rawValue)"
                + " · min size \(Self.number(configuration.minimumObjectSize, digits: 0)) px"
                + plateMatchNote,
            "",
        ]

        var header = [
            "class", "GT", "ignored", "TP", "FP", "FN", "precision", "recall", "F1", "AP50", "mAP", "coverage",
            "FP/image",
        ]
        let showsPerHour = configuration.framesPerSecond != nil
        if showsPerHour { header.append("FP/hour") }
        var rows = [header]
        for (objectClass, metrics) in sortedClasses {
            var row = [
                objectClass.rawValue, String(metrics.groundTruthCount), String(metrics.ignoredCount),
                String(metrics.truePositives), String(metrics.falsePositives), String(metrics.falseNegatives),
            ]
            row += [
                metrics.precision, metrics.recall, metrics.f1, metrics.averagePrecision50, metrics.meanAveragePrecision,
                metrics.coverageRecall, metrics.falsePositivesPerImage,
            ].map { Self.cell($0) }
            if showsPerHour { row.append(Self.cell(metrics.falsePositivesPerHour, digits: 1)) }
            rows.append(row)
        }
        lines += Self.aligned(rows)

        if let buckets = sortedClasses.first?.value.sizeBuckets {
            lines += ["", "recall by shorter side in px (objects); coverage recall after /"]
            var sizeRows = [["class"] + buckets.map(\.label)]
            for (objectClass, metrics) in sortedClasses {
                sizeRows.append(
                    [objectClass.rawValue]
                        + metrics.sizeBuckets.map { bucket in
                            let coverage = bucket.coverageRecall.map { " / " + Self.number($0, digits: 3) } ?? ""
                            return "\(Self.cell(bucket.recall))\(coverage) (\(bucket.groundTruthCount))"
                        })
            }
            lines += Self.aligned(sizeRows)
        }

        lines.append("")
        if let timing {
            lines.append(
                "timing: mean \(Self.number(timing.meanMilliseconds, digits: 1)) ms/image,"
                    + " median \(Self.number(timing.medianMilliseconds, digits: 1)) ms,"
                    + " p95 \(Self.number(timing.percentile95Milliseconds, digits: 1)) ms,"
                    + " \(Self.number(timing.imagesPerSecond, digits: 1)) images/s"
                    + " (\(timing.imageCount) timed images)"
            )
        } else {
            lines.append("timing: not measured")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A metric with fixed decimals, or the undefined marker.
    private static func cell(_ value: Double?, digits: Int = 3) -> String {
        value.map { number($0, digits: digits) } ?? undefinedCell
    }

    private static func number(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// Rows padded into columns: the first column left-aligned, the others right-aligned.
    private static func aligned(_ rows: [[String]]) -> [String] {
        let columnCount = rows.map(\.count).max() ?? 0
        let widths = (0..<columnCount).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + padding : padding + text
            }
            .joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
        }
    }
}
