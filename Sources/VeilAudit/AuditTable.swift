internal import Foundation

/// Renders an ``AuditReport`` as a plain-text table for the terminal.
///
/// ```
/// file        face  changed  none  wiener σ2  …  min   reidentified  detected
/// a.jpg       1     1.00     0.93  0.91       …  0.88  no            no
/// ```
/// followed by one line per attack and the overall rate.
public enum AuditTable {
    /// The table; distances with two decimals, "yes"/"no" for booleans, "-" where not measured.
    public static func render(_ report: AuditReport) -> String {
        let attackNames = report.attacks.map(\.attack)
        var rows: [[String]] = [
            ["file", "face", "box", "changed"] + attackNames + ["min", "reidentified", "detected"]
        ]
        for file in report.files {
            if file.faces.isEmpty {
                rows.append([file.path, "-", "no face"] + Array(repeating: "", count: attackNames.count + 4))
            }
            for (index, face) in file.faces.enumerated() {
                let distances = attackNames.map { name in face.distance(under: name).map(number) ?? "-" }
                let detected = face.residualDetection.map { $0.isDetected ? "yes" : "no" } ?? "-"
                rows.append(
                    [file.path, String(index + 1), boxText(face), number(face.changedFraction)] + distances
                        + [number(face.minimumDistance), face.isReidentified ? "yes" : "no", detected]
                )
            }
        }
        var text = layout(rows)
        text += "\n"
        var summary: [[String]] = [["attack", "reidentified", "rate", "min distance", "mean distance"]]
        for attack in report.attacks {
            summary.append([
                attack.attack, "\(attack.reidentifiedFaceCount)/\(report.faceCount)",
                percent(attack.reidentificationRate),
                attack.minimumDistance.map(number) ?? "-", attack.meanDistance.map(number) ?? "-",
            ])
        }
        text += layout(summary)
        text += "\nre-identification rate (worst case over attacks, threshold \(number(report.matchThreshold))): "
        text += "\(percent(report.reidentificationRate)) (\(report.reidentifiedFaceCount)/\(report.faceCount) faces)\n"
        if let detected = report.residuallyDetectedFaceCount {
            text += "still detected after anonymization: \(detected)/\(report.faceCount) faces\n"
        }
        if !report.unpairedOriginals.isEmpty {
            text += "originals without an anonymized counterpart: \(report.unpairedOriginals.joined(separator: ", "))\n"
        }
        if !report.unpairedAnonymized.isEmpty {
            text += "anonymized files without an original: \(report.unpairedAnonymized.joined(separator: ", "))\n"
        }
        return text
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f", value) : "-"
    }

    private static func percent(_ value: Double) -> String { String(format: "%.1f %%", 100 * value) }

    private static func boxText(_ face: FaceAudit) -> String {
        String(format: "%.0f,%.0f %.0f×%.0f", face.box.x, face.box.y, face.box.width, face.box.height)
    }

    /// Left-aligned columns separated by two spaces.
    private static func layout(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
