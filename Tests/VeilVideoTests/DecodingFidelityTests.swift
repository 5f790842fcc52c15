import Foundation
import Testing
import VeilMedia
import VeilVideo

/// A reader decoding for detection skips the deblocking filter: the same frames and timestamps,
/// pictures close to the exact ones but not equal, and damage still reported.
@Suite struct DecodingFidelityTests {
    /// A clip the deblocking filter works hard on: coarse quantisation, so blocks show.
    static func blockyClip(_ url: URL) throws {
        try Clip.make(url, seconds: 0.6, audioStreams: 0, extra: ["-preset", "veryfast", "-crf", "40"])
    }

    @Test func detectionPicturesSkipTheFilterAndKeepTheFrames() throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Self.blockyClip(input)
        let exact = try VideoReader(url: input)
        let fast = try VideoReader(url: input, fidelity: .forDetection)
        #expect(exact.fidelity == .exact && fast.fidelity == .forDetection)
        var frames = 0
        var differing = 0
        var largestMeanDifference = 0.0
        while let expected = try exact.nextFrame() {
            let actual = try #require(try fast.nextFrame())
            #expect(actual.index == expected.index && actual.pts == expected.pts)
            #expect(actual.duration == expected.duration)
            let luma = expected.picture.size.width * expected.picture.size.height
            let difference = zip(actual.picture.planes.prefix(luma), expected.picture.planes.prefix(luma)).reduce(0) {
                $0 + abs(Int($1.0) - Int($1.1))
            }
            if difference > 0 { differing += 1 }
            largestMeanDifference = max(largestMeanDifference, Double(difference) / Double(luma))
            frames += 1
        }
        #expect(try fast.nextFrame() == nil)
        #expect(frames == 15)
        // The filter was skipped (pictures differ), and only slightly (mean luma difference).
        #expect(differing > frames / 2, "\(differing) of \(frames) pictures differ")
        #expect(largestMeanDifference < 3, "\(largestMeanDifference)")
    }

    @Test func detectionDecodingStillReportsDamage() throws {
        let scratch = try Scratch()
        let input = try DamagedInputTests.damagedClip(
            in: scratch, named: "corrupt.mp4", seed: 42, from: 0.5, length: 4096)
        let reader = try VideoReader(url: input, fidelity: .forDetection)
        #expect {
            while try reader.nextFrame() != nil {}
        } throws: { error in
            guard case .decodingFailed(let path, let reason) = error as? VideoError else { return false }
            return path == input.path && reason.contains("frame")
        }
    }
}
