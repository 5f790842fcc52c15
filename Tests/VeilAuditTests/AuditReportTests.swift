import Foundation
import Testing
import VeilAudit
import VeilGeometry

@Suite("AuditReport")
struct AuditReportTests {
    let configuration = AuditConfiguration(attacks: [.medianFilter(aperture: 5)])

    func face(none: Double, median: Double, detected: Bool? = nil) -> FaceAudit {
        FaceAudit(
            box: Box(x: 0, y: 0, width: 100, height: 100),
            changedFraction: 1,
            distances: [
                AttackDistance(attack: "none", distance: none, isReidentified: none < 0.6),
                AttackDistance(attack: "median 5", distance: median, isReidentified: median < 0.6),
            ],
            isReidentified: min(none, median) < 0.6,
            residualDetection: detected.map {
                ResidualDetection(detector: "test", isDetected: $0, bestIoU: $0 ? 0.8 : 0, score: nil)
            }
        )
    }

    var report: AuditReport {
        AuditReport(
            files: [
                ImageAudit(
                    path: "a.jpg",
                    faces: [
                        face(none: 0.7, median: 0.5, detected: true), face(none: 0.9, median: 0.8, detected: false),
                    ], timing: AuditTiming(descriptorCount: 4, descriptorSeconds: 0.04)),
                ImageAudit(path: "b.jpg", faces: [], timing: AuditTiming()),
                ImageAudit(
                    path: "c.jpg",
                    faces: [
                        face(none: 0.4, median: 0.7, detected: false), face(none: 0.95, median: 0.9, detected: false),
                    ], timing: AuditTiming(descriptorCount: 4, descriptorSeconds: 0.04)),
            ],
            configuration: configuration,
            unpairedOriginals: ["d.jpg"]
        )
    }

    @Test func ratesAreWorstCaseOverAttacks() {
        let report = report
        #expect(report.faceCount == 4)
        #expect(report.reidentifiedFaceCount == 2)
        #expect(report.reidentificationRate == 0.5)
        #expect(report.attacks.map(\.attack) == ["none", "median 5"])
        #expect(report.attacks[0].reidentifiedFaceCount == 1)
        #expect(report.attacks[1].reidentifiedFaceCount == 1)
        #expect(report.attacks[1].minimumDistance == 0.5)
        #expect(report.residuallyDetectedFaceCount == 1)
        #expect(report.files[0].reidentificationRate == 0.5)
        #expect(report.files[1].reidentificationRate == nil)
        #expect(report.timing.descriptorCount == 8)
        #expect(abs(report.timing.millisecondsPerDescriptor - 10) < 1e-9)
        #expect(report.files[0].faces[0].closestAttack == "median 5")
    }

    @Test func anEmptyAuditHasRateZero() {
        let report = AuditReport(files: [], configuration: configuration)
        #expect(report.reidentificationRate == 0)
        #expect(report.faceCount == 0)
        #expect(report.residuallyDetectedFaceCount == nil)
    }

    @Test func jsonHasTheRateAtTopLevelAndRoundTrips() throws {
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["reidentificationRate"] as? Double == 0.5)
        #expect(object["files"] != nil)
        #expect(object["attacks"] != nil)
        #expect(try JSONDecoder().decode(AuditReport.self, from: data) == report)
    }

    @Test func tableShowsEveryFaceAndTheRate() {
        let table = AuditTable.render(report)
        #expect(table.contains("re-identification rate (worst case over attacks, threshold 0.60): 50.0 % (2/4 faces)"))
        #expect(table.contains("median 5"))
        #expect(table.contains("no face"))
        #expect(table.contains("d.jpg"))
        #expect(table.split(separator: "\n").filter { $0.hasPrefix("a.jpg") }.count == 2)
    }

    @Test func facesTooSmallToJudgeAreListedButLeftOutOfTheRate() {
        let small = FaceAudit(
            box: Box(x: 5, y: 5, width: 14, height: 16), changedFraction: 1, distances: [], isReidentified: false,
            residualDetection: nil, isTooSmallToJudge: true)
        let report = AuditReport(
            files: [
                ImageAudit(path: "a.jpg", faces: [face(none: 0.7, median: 0.8), small], timing: AuditTiming()),
                ImageAudit(path: "b.jpg", faces: [small], timing: AuditTiming()),
            ],
            configuration: configuration
        )
        #expect(report.faceCount == 3)
        #expect(report.judgedFaceCount == 1)
        #expect(report.tooSmallFaceCount == 2)
        #expect(report.reidentificationRate == 0)
        #expect(report.files[1].reidentificationRate == nil)
        let table = AuditTable.render(report)
        #expect(table.contains("too small to judge (under 40 px, not counted): 2/3 faces"))
        #expect(table.split(separator: "\n").filter { $0.contains("too small") }.count == 3)
    }

    @Test func aReportWithFacesTooSmallToJudgeEncodesAsJSON() throws {
        // JSON has no infinity: the unmeasured distance of a face too small to judge is null.
        let small = FaceAudit(
            box: Box(x: 5, y: 5, width: 14, height: 16), changedFraction: 1, distances: [], isReidentified: false,
            residualDetection: nil, isTooSmallToJudge: true)
        let report = AuditReport(
            files: [ImageAudit(path: "a.jpg", faces: [small, face(none: 0.7, median: 0.8)], timing: AuditTiming())],
            configuration: configuration)
        let data = try JSONEncoder().encode(report)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let faces = try #require((json["files"] as? [[String: Any]])?.first?["faces"] as? [[String: Any]])
        #expect(faces[0]["minimumDistance"] is NSNull)
        #expect(faces[1]["minimumDistance"] as? Double == 0.7)
        let decoded = try JSONDecoder().decode(AuditReport.self, from: data)
        #expect(decoded.files[0].faces[0].minimumDistance == .infinity)
        #expect(decoded == report)
    }

    @Test func tableFitsAHundredColumnsWithEveryAttackAndLongNames() {
        let attacks = ImageAttack.standardSet
        let distances =
            [AttackDistance(attack: "none", distance: 0.8, isReidentified: false)]
            + attacks.map { AttackDistance(attack: $0.description, distance: 0.7, isReidentified: false) }
        let face = FaceAudit(
            box: Box(x: 12345, y: 23456, width: 1234, height: 1234), changedFraction: 1, distances: distances,
            isReidentified: false,
            residualDetection: ResidualDetection(detector: "d", isDetected: false, bestIoU: 0, score: nil))
        let path = "holidays/2026/a very long folder name of someone/IMG_20260101_123456789.jpg"
        let report = AuditReport(
            files: [ImageAudit(path: path, faces: Array(repeating: face, count: 120), timing: AuditTiming())],
            configuration: AuditConfiguration(),
            unpairedOriginals: Array(repeating: path, count: 5)
        )
        for line in AuditTable.render(report).split(separator: "\n") {
            #expect(line.count <= 100, "\(line.count) columns: \(line)")
        }
    }
}
