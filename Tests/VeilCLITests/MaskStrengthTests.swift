import Foundation
import Testing

/// `--layered-cells` and `--layered-noise`: the layered mask's strength as a parameter (issue 17),
/// recorded in the report next to the mask's ISO/IEC 20889 technique.
@Suite struct MaskStrengthTests {
    @Test func theStrengthIsUsedAndReported() throws {
        let root = try CLITests.directory()
        let output = root.appendingPathComponent("out.png")
        let report = root.appendingPathComponent("report.json")
        let run = try CLITests.veil([
            "anonymize", CLITests.astronaut.path, "-o", output.path, "--targets", "face", "--layered-cells", "16",
            "--layered-noise", "12", "--report", report.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        let settings = try #require(json["settings"] as? [String: Any])
        let maskSettings = try #require(settings["maskSettings"] as? [String: Any])
        #expect(maskSettings["layeredCells"] as? Int == 16)
        #expect(maskSettings["layeredNoise"] as? Double == 12)
        #expect(settings["maskTechnique"] as? String == "generalization with randomization (noise addition)")
    }

    @Test(arguments: [
        ["--mask", "fill", "--layered-cells", "12"], ["--layered-cells", "1"], ["--layered-noise", "-3"],
    ])
    func aStrengthThatCannotApplyIsAUsageError(options: [String]) throws {
        let root = try CLITests.directory()
        let run = try CLITests.veil(
            ["anonymize", CLITests.astronaut.path, "-o", root.appendingPathComponent("o.png").path] + options)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--layered"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("o.png").path))
    }
}
