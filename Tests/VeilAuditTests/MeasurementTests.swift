import Foundation
import Testing
import VeilAudit

/// Prints the distance of every test mask under every attack, and descriptor timing: the table
/// quoted in the audit's documentation. Asserts only that every audit ran.
@Suite("Audit measurements")
struct MeasurementTests {
    @Test func printTheMaskByAttackTable() throws {
        var total = AuditTiming()
        for mask in TestMask.allCases {
            let report = try MaskMatrix.report(for: mask)
            #expect(report.faceCount == Fixtures.all.count)
            print("== \(mask) (faces scaled to \(Int(MaskMatrix.faceSize)) px)")
            print(AuditTable.render(report))
            total.descriptorCount += report.timing.descriptorCount
            total.descriptorSeconds += report.timing.descriptorSeconds
            total.attackSeconds += report.timing.attackSeconds
        }
        print(
            String(
                format: "descriptors: %d, %.1f ms each (landmarks + chip + network); attacks %.1f s in all",
                total.descriptorCount, total.millisecondsPerDescriptor, total.attackSeconds))
    }
}
