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

    @Test func videoLibraryExampleRuns() async throws {
        let directory = try TestSupport.directory()
        let clip = try VideoPipelineTests.movingSquareClip(in: directory)
        let masked = directory.appendingPathComponent("masked.mp4")

        // --- README ---
        let anonymizer = try VideoAnonymizer(settings: AnonymizationSettings(), video: VideoSettings())
        let outcome = try await anonymizer.anonymize(input: clip, output: masked)
        print(outcome.tracks[.face], outcome.outputSHA256 ?? "")
        // --- end ---

        #expect(outcome.frames == 75)
        #expect(FileManager.default.fileExists(atPath: masked.path))
    }
}
