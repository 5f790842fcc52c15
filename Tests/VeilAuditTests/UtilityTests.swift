import Foundation
import Testing
import VeilAudit
import VeilGeometry

/// What anonymized media is still good for: counts, untouched pixels, landmarks, steady masks.
@Suite struct UtilityTests {
    static func track(_ id: Int, _ boxes: [(Int, Box)]) -> (id: Int, boxes: [(frame: Int, box: Box)]) {
        (id: id, boxes: boxes.map { (frame: $0.0, box: $0.1) })
    }

    @Test func aFaceMovingSteadilyHasNoJitterButChangesBox() {
        let moving = (0..<30).map { ($0, Box(x: 10 + 3 * Double($0), y: 40, width: 60, height: 80)) }
        let stability = TemporalStability(tracks: [Self.track(1, moving)])
        #expect(stability.meanJitter < 1e-12)
        #expect(stability.meanBoxChange > 0.05)
        #expect(stability.flickerCount == 0)
        #expect(stability.tracks.first?.frames == 30)
    }

    @Test func aShakingBoxHasJitter() {
        let shaking = (0..<30).map { ($0, Box(x: 100 + ($0 % 2 == 0 ? 6 : -6), y: 40, width: 60, height: 60)) }
        let stability = TemporalStability(tracks: [Self.track(1, shaking)])
        // Second difference of ±6 around a centre: 24 px over a 60 px side.
        #expect(abs(stability.meanJitter - 0.4) < 1e-9)
        #expect(abs(stability.jitter95 - 0.4) < 1e-9)
    }

    @Test func aMaskThatDisappearsAndComesBackFlickers() {
        let box = Box(x: 0, y: 0, width: 50, height: 50)
        let gappy = [0, 1, 2, 4, 5, 9, 10].map { ($0, box) }
        let steady = (0..<11).map { ($0, box) }
        let stability = TemporalStability(tracks: [Self.track(1, gappy), Self.track(2, steady)])
        #expect(stability.flickerCount == 2)
        #expect(stability.flickeringTrackCount == 1)
        #expect(stability.tracks.map(\.missingFrames) == [4, 0])
        #expect(stability.tracks.map(\.flickerCount) == [2, 0])
    }

    @Test func reportsSumCountsAndAverageTheUntouchedFraction() {
        let face = FaceAudit(
            box: Box(x: 0, y: 0, width: 80, height: 80), changedFraction: 1, distances: [], isReidentified: false,
            residualDetection: nil)
        var untouched = face
        untouched.changedFraction = 0.2  // a face the mask missed: not countable as a masked region
        let files = [
            ImageAudit(
                path: "a.jpg", faces: [face, untouched], timing: AuditTiming(),
                utility: ImageUtility(originalFaceCount: 2, anonymizedFaceCount: 0, untouchedFraction: 0.9)),
            ImageAudit(
                path: "b.jpg", faces: [face], timing: AuditTiming(),
                utility: ImageUtility(originalFaceCount: 1, anonymizedFaceCount: 1, untouchedFraction: 0.7)),
        ]
        let report = AuditReport(files: files, configuration: AuditConfiguration(attacks: []))
        #expect(report.utility.originalFaceCount == 3)
        #expect(report.utility.anonymizedFaceCount == 1)
        #expect(abs(report.utility.meanUntouchedFraction - 0.8) < 1e-12)
        #expect(report.utility.meanLandmarkError == nil)
        #expect(report.utility.maskedRegionCount == 2)
        #expect(
            AuditTable.render(report).replacingOccurrences(of: "\n    ", with: " ").contains(
                "80.0 % of the image untouched; faces found 3 before, 1 after, 2 covered by a mask"))
    }

    @Test func landmarksThatStayPutHaveNoErrorAndMovedOnesDo() {
        let points = [
            Point(x: 30, y: 40), Point(x: 70, y: 40), Point(x: 50, y: 60), Point(x: 35, y: 80), Point(x: 65, y: 80),
        ]
        let face = Detection(
            objectClass: .face, box: Box(x: 0, y: 0, width: 100, height: 120), score: 1, landmarks: points)
        #expect(ReidentificationAuditor.landmarkError(of: face, among: [face]) == 0)
        var shifted = face
        shifted.landmarks = points.map { $0.offsetBy(dx: 4, dy: 0) }
        // 4 px over an eye distance of 40 px.
        #expect(abs((ReidentificationAuditor.landmarkError(of: face, among: [shifted]) ?? 0) - 0.1) < 1e-12)
        var without = face
        without.landmarks = []
        #expect(ReidentificationAuditor.landmarkError(of: face, among: [without]) == nil)
    }
}

/// The audit's SVG plots: well-formed, numbers only, one bar per non-empty bin.
@Suite struct AuditPlotsTests {
    @Test func plotsAreSVGWithTheThresholdTheSeriesAndNoImages() throws {
        let people = GalleryIdentificationTests.people(6, seed: 21)
        let probes = people.enumerated().map { index, reference in
            GalleryIdentificationTests.probe(
                index, reference, [GalleryIdentificationTests.near(reference, distance: 0.4, seed: UInt64(index))])
        }
        let identification = GalleryIdentification(probes: probes)
        #expect(identification.distanceBins.map(\.genuineCount).reduce(0, +) == 6)
        #expect(identification.distanceBins[8].genuineCount == 6, "all at 0.40")
        #expect(identification.distanceBins.map(\.impostorCount).reduce(0, +) == 30)
        let report = AuditReport(
            files: [], configuration: AuditConfiguration(attacks: []), identification: identification)
        let plots = AuditPlots.all(report)
        #expect(plots.map(\.name) == ["audit-distances.svg", "audit-roc.svg"])
        for plot in plots {
            #expect(plot.svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(plot.svg.hasSuffix("</svg>\n"))
            #expect(!plot.svg.contains("<image"))
            let opened = plot.svg.components(separatedBy: "<text").count
            #expect(opened > 10, "axis ticks and labels")
            #expect(opened == plot.svg.components(separatedBy: "</text>").count, "\(plot.name): every text closed")
        }
        #expect(plots[0].svg.contains("threshold 0.60"))
        #expect(plots[1].svg.contains("advantage 1.00"))
        #expect(AuditPlots.all(AuditReport(files: [], configuration: AuditConfiguration())).isEmpty)
    }
}
