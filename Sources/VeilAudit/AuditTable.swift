internal import Foundation

/// Renders an ``AuditReport`` as a plain-text table that fits a 100-column terminal.
///
/// ```
/// file         #  box              chg   dist  closest attack    verdict        found
/// a.jpg        1  120,40 160×160   1.00  0.68  wiener σ2         not matched    no
/// crowd.jpg    4  812,300 14×15    1.00  -     -                 too small      no
/// ```
/// followed by one line per attack and the overall rate. The distance under every attack is in
/// the JSON (`files[].faces[].distances`); the table shows the adversary's best one.
public enum AuditTable {
    /// The widest line the table may produce.
    public static let maximumWidth = 100

    /// The table; distances with two decimals, "-" where not measured.
    public static func render(_ report: AuditReport) -> String {
        var rows: [[String]] = [["file", "#", "box", "chg", "dist", "closest attack", "verdict", "found"]]
        for file in report.files {
            let path = shortened(file.path, to: 24)
            if file.faces.isEmpty {
                rows.append([path, "-", "no face", "", "", "", "", ""])
            }
            for (index, face) in file.faces.enumerated() {
                let detected = face.residualDetection.map { $0.isDetected ? "yes" : "no" } ?? "-"
                let verdict =
                    face.isTooSmallToJudge ? "too small" : (face.isReidentified ? "RE-IDENTIFIED" : "not matched")
                rows.append([
                    path, String(index + 1), shortened(boxText(face), to: 15), number(face.changedFraction),
                    face.isTooSmallToJudge ? "-" : number(face.minimumDistance),
                    face.isTooSmallToJudge ? "-" : shortened(face.closestAttack, to: 17), verdict, detected,
                ])
            }
        }
        var text = layout(rows)
        text += "\n"
        var summary: [[String]] = [["attack", "re-identified", "rate", "min distance", "mean distance"]]
        for attack in report.attacks {
            summary.append([
                shortened(attack.attack, to: 30), "\(attack.reidentifiedFaceCount)/\(report.judgedFaceCount)",
                percent(attack.reidentificationRate),
                attack.minimumDistance.map(number) ?? "-", attack.meanDistance.map(number) ?? "-",
            ])
        }
        text += layout(summary)
        text += "\n"
        var lines: [String] = [
            "re-identification rate (worst case over attacks, threshold \(number(report.matchThreshold))): "
                + "\(percent(report.reidentificationRate)) (\(report.reidentifiedFaceCount)/\(report.judgedFaceCount) faces)"
        ]
        if let identification = report.identification, identification.probeCount > 0 {
            let best = identification.bestSingleAttack
            if identification.chanceRank1Rate >= 1 {
                lines.append(
                    "identification: every face in the gallery is one person; add --gallery photos of other "
                        + "people to rank against")
            } else {
                lines.append(
                    "identification against a gallery of \(identification.gallerySize) faces "
                        + "(\(identification.distractorCount) distractors), best single attack (\(best.attack)): "
                        + "rank-1 \(percent(best.rank1Rate)), rank-5 \(percent(best.rank5Rate)); chance "
                        + "\(percent(identification.chanceRank1Rate)) / \(percent(identification.chanceRank5Rate)); "
                        + "any attack rank-1 \(percent(identification.anyAttack.rank1Rate))")
            }
            if let advantage = identification.verificationAdvantage {
                lines.append(
                    "reference-photo match (true / false match rate): "
                        + identification.roc.filter {
                            [0.4, 0.5, 0.6, 0.7].contains(($0.threshold * 100).rounded() / 100)
                        }
                        .map {
                            "at \(number($0.threshold)) \(percent($0.trueMatchRate)) / \(percent($0.falseMatchRate))"
                        }
                        .joined(separator: ", ") + "; advantage over guessing \(number(advantage))")
            }
        }
        if let averaging = report.frameAveraging {
            lines += averagingLines(averaging, threshold: report.matchThreshold)
        }
        let utility = report.utility
        var kept =
            "utility: \(percent(utility.meanUntouchedFraction)) of the image untouched; faces found "
            + "\(utility.originalFaceCount) before, \(utility.anonymizedFaceCount.map(String.init) ?? "-") after"
            + (utility.maskedRegionCount.map { ", \($0) covered by a mask (countable as regions)" } ?? "")
        if let error = utility.meanLandmarkError {
            kept += "; landmarks of faces still found off by \(number(error)) eye distances"
        }
        lines.append(kept)
        if let stability = utility.temporalStability {
            lines.append(
                "mask stability over \(stability.tracks.count) tracks: jitter \(number(stability.meanJitter)) "
                    + "(95th percentile \(number(stability.jitter95))) of the box side per frame, box change "
                    + "\(number(stability.meanBoxChange)) (1 − IoU), \(stability.flickerCount) flickers in "
                    + "\(stability.flickeringTrackCount) tracks")
        }
        if let technique = report.maskTechnique, let mask = report.mask {
            lines.append("mask declared: \(mask) (ISO/IEC 20889: \(technique))")
        }
        if report.tooSmallFaceCount > 0 {
            lines.append(
                "too small to judge (under \(Int(report.minimumFaceSide)) px, not counted): "
                    + "\(report.tooSmallFaceCount)/\(report.faceCount) faces")
        }
        if let detected = report.residuallyDetectedFaceCount {
            lines.append("still detected after anonymization: \(detected)/\(report.faceCount) faces")
        }
        if !report.unpairedOriginals.isEmpty {
            lines.append(
                "originals without an anonymized counterpart: \(report.unpairedOriginals.joined(separator: ", "))")
        }
        if !report.unpairedAnonymized.isEmpty {
            lines.append("anonymized files without an original: \(report.unpairedAnonymized.joined(separator: ", "))")
        }
        text += lines.map(wrapped).joined(separator: "\n") + "\n"
        return text
    }

    /// The multi-frame averaging attack's summary: the verdict, then the identification.
    private static func averagingLines(_ averaging: FrameAveragingAudit, threshold: Double) -> [String] {
        let judged = averaging.tracks.filter { !$0.isTooSmallToJudge }
        let single = judged.compactMap(\.singleFrameDistance).min()
        let averaged = judged.compactMap(\.averagedDistance).min()
        var lines = [
            "multi-frame averaging (mean and median of up to \(averaging.framesPerTrack) aligned frames per track, "
                + "then each attack): \(averaging.reidentifiedByAveragingCount)/\(averaging.judgedTrackCount) tracks "
                + "under \(number(threshold)); smallest distance one frame \(single.map(number) ?? "-"), averaged "
                + "\(averaged.map(number) ?? "-")"
                + (averaging.tracks.count > judged.count
                    ? "; \(averaging.tracks.count - judged.count) tracks too small to judge" : "")
        ]
        if let identification = averaging.identification, identification.probeCount > 0 {
            if identification.chanceRank1Rate >= 1 {
                lines.append(
                    "multi-frame identification: one person in the gallery; add --gallery photos of other people")
            } else {
                let best = identification.bestSingleAttack
                lines.append(
                    "multi-frame identification against \(identification.gallerySize) faces, best attempt "
                        + "(\(best.attack)): rank-1 \(best.rank1Count)/\(identification.probeCount) tracks, chance "
                        + "\(percent(identification.chanceRank1Rate)); any attempt "
                        + "\(identification.anyAttack.rank1Count)/\(identification.probeCount)")
            }
        }
        return lines
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f", value) : "-"
    }

    private static func percent(_ value: Double) -> String { String(format: "%.1f %%", 100 * value) }

    private static func boxText(_ face: FaceAudit) -> String {
        String(format: "%.0f,%.0f %.0f×%.0f", face.box.x, face.box.y, face.box.width, face.box.height)
    }

    /// `text` cut to `limit` characters, keeping its end (a path's file name).
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : "…" + String(text.suffix(limit - 1))
    }

    /// `line` broken at spaces into lines of at most ``maximumWidth`` characters, continuation
    /// lines indented.
    static func wrapped(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count > maximumWidth, !current.isEmpty {
                lines.append(current)
                current = "    " + word
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines.map { String($0.prefix(maximumWidth)) }.joined(separator: "\n")
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
