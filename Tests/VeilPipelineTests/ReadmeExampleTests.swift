import Foundation
import Testing
import Veil

/// The library example in README.md, verbatim except for the paths, so the documentation
/// cannot drift from the API.
@Suite struct ReadmeExampleTests {
    @Test func libraryExampleRuns() throws {
        let directory = try TestSupport.directory()
        let photo = TestSupport.astronaut
        let out = directory.appendingPathComponent("out.jpg")

        // --- README ---
        let detector = try DetectorChoice.ensemble.makeDetector(targets: [.face, .plate], threshold: 0.2)
        var image = try ImageCodec.read(URL(fileURLWithPath: photo.path))
        let regions = MaskPlanner().regions(for: try detector.detect(in: image), in: image.size)
        try Masker(style: .layered).apply(regions, to: &image)
        try ImageCodec.write(image, to: URL(fileURLWithPath: out.path), quality: 92)
        // --- end ---

        #expect(!regions.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out.path))
    }
}
