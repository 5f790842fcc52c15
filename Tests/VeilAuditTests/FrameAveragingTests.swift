import Foundation
import Testing
import VeilAudit
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTestSupport

/// The multi-frame averaging attack (issue 17, requirement 5): a mask whose noise is drawn
/// afresh on every frame is undone by averaging aligned frames; Veil's layered mask is not,
/// because what its noise hides (the face's detail) is not in any frame.
@Suite("Multi-frame averaging")
struct FrameAveragingTests {
    /// Faces of the averaging tests, short side in pixels (above the recogniser's 40 px floor).
    static let faceSize = 120.0
    /// Frames per stack.
    static let frameCount = 10

    /// A weak mask with independent noise per frame: blocks of `block` × `block` face pixels
    /// move by uniform noise of ± `amplitude` levels per channel, drawn afresh from `generator`.
    /// One frame hides the face from the recogniser; the noise has zero mean, so averaging
    /// frames brings it back.
    static func noisy(
        _ image: Image, face: Box, block: Int = 4, amplitude: Int, using generator: inout SplitMix64
    ) -> Image {
        var result = image
        let region = face.expanded(byFraction: TestMask.marginFraction).clamped(to: image.size.bounds)
        let (x0, y0, x1, y1) = (Int(region.minX), Int(region.minY), Int(region.maxX), Int(region.maxY))
        let columns = (x1 - x0 + block - 1) / block
        let noise = (0..<(columns * ((y1 - y0 + block - 1) / block) * 3)).map { _ in
            Int.random(in: -amplitude...amplitude, using: &generator)
        }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let cell = ((y - y0) / block * columns + (x - x0) / block) * 3
                let offset = image.offset(x: x, y: y)
                for channel in 0..<3 {
                    result.pixels[offset + channel] = UInt8(
                        clamping: Int(image.pixels[offset + channel]) + noise[cell + channel])
                }
            }
        }
        return result
    }

    /// A "video" of `frameCount` frames of one portrait, the face sliding by a few pixels per
    /// frame (so the stack must align), each frame masked by `mask`.
    static func stack(
        of portrait: String, mask: (Image, Box, Int) throws -> Image
    ) throws -> FrameStack {
        let (image, face) = try Fixtures.scaled(portrait, faceSize: faceSize)
        var stack = FrameStack(trackID: Fixtures.all.firstIndex(of: portrait) ?? 0)
        for frame in 0..<frameCount {
            let shift = Double(frame % 4) * 3
            let moved = Image(size: image.size, blue: 0, green: 0, red: 0).pasting(image, x: Int(shift), y: 0)
            let box = face.offsetBy(dx: shift, dy: 0)
            try stack.add(frame: frame, box: box, original: moved, anonymized: try mask(moved, box, frame))
        }
        return stack
    }

    @Test func framesAreAlignedByTheTrackBox() throws {
        // The same content moved with its box lands on the same canonical pixels.
        let (image, face) = try Fixtures.scaled(Fixtures.biden, faceSize: Self.faceSize)
        var stack = FrameStack(trackID: 1)
        for shift in [0, 5, 11] {
            let moved = Image(size: image.size, blue: 0, green: 0, red: 0).pasting(image, x: shift, y: shift)
            let box = face.offsetBy(dx: Double(shift), dy: Double(shift))
            try stack.add(frame: shift, box: box, original: moved, anonymized: moved)
        }
        #expect(stack.count == 3)
        #expect(stack.canvasSide == 300)
        // Inside the face box (the canvas's edges repeat the shifted image's black border).
        let inner = stack.canonicalBoxes[0]
        let first = stack.maskedCrops[0].cropped(to: inner)
        for crop in stack.maskedCrops.dropFirst() {
            let difference = zip(first.pixels, crop.cropped(to: inner).pixels).map { abs(Int($0) - Int($1)) }
            #expect((difference.max() ?? 255) <= 2)
        }
        #expect(abs(inner.width * inner.height - 100 * 100) < 200)
    }

    @Test func meanAndMedianCancelIndependentNoise() throws {
        let (image, face) = try Fixtures.scaled(Fixtures.biden, faceSize: Self.faceSize)
        var generator = SplitMix64(seed: 3)
        var stack = FrameStack(trackID: 1)
        for frame in 0..<Self.frameCount {
            let noisy = Self.noisy(image, face: face, block: 1, amplitude: 60, using: &generator)
            try stack.add(frame: frame, box: face, original: image, anonymized: noisy)
        }
        let clean = stack.originalCrops[0]
        func error(_ crop: Image) -> Double {
            let total = zip(clean.pixels, crop.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +)
            return total / Double(clean.pixels.count)
        }
        let single = error(stack.maskedCrops[0])
        let mean = error(try #require(stack.combined(.mean)))
        let median = error(try #require(stack.combined(.median)))
        #expect(mean < single / 2.5, "single \(single), mean \(mean)")
        #expect(median < single / 2, "single \(single), median \(median)")
    }

    @Test func averagingUndoesPerFrameNoiseButNotVeilsLayeredMask() throws {
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        // Decoys: someone else's original and the astronaut, so identification has a choice.
        let (biden, bidenFace) = try Fixtures.scaled(Fixtures.biden, faceSize: Self.faceSize)
        try auditor.addDistractors(in: biden, faces: [Detection(objectClass: .face, box: bidenFace, score: 1)])
        let astronaut = try ImageCodec.read(
            Fixtures.portraits.deletingLastPathComponent().appendingPathComponent("astronaut.png"))
        let detector = ScaledDetector(network: try CenterFaceDetector())
        try auditor.addDistractors(in: astronaut, faces: try detector.detect(in: astronaut).filter { $0.score >= 0.5 })
        #expect(auditor.distractors.count == 2)

        var generator = SplitMix64(seed: 17)
        let weak = try Self.stack(of: Fixtures.obamaPortrait) { image, face, _ in
            Self.noisy(image, face: face, amplitude: 110, using: &generator)
        }
        let weakAudit = try auditor.auditAveraged([weak], framesPerTrack: Self.frameCount)
        let track = try #require(weakAudit.tracks.first)
        let single = try #require(track.singleFrameDistance)
        let averaged = try #require(track.averagedDistance)
        #expect(single >= 0.6, "one noisy frame already matches at \(single)")
        #expect(averaged < 0.6, "averaged \(averaged)")
        #expect(track.galleryRank == 1)
        #expect(weakAudit.reidentifiedByAveragingCount == 1)

        // Veil's default, its noise drawn afresh on every frame (harsher than a video run, whose
        // noise is keyed per track): what averaging recovers is the coarse grid, not the face.
        let layered = try Self.stack(of: Fixtures.obamaPortrait) { image, face, frame in
            var masked = image
            var noise = SplitMix64(seed: UInt64(frame) + 100)
            let regions = MaskPlanner().regions(
                for: [Detection(objectClass: .face, box: face, score: 1)], in: image.size)
            try Masker(style: .layered).apply(regions, to: &masked, using: &noise)
            return masked
        }
        let layeredAudit = try auditor.auditAveraged([layered], framesPerTrack: Self.frameCount)
        for attempt in layeredAudit.tracks[0].distances {
            #expect(!attempt.isReidentified, "layered: \(attempt.attack) at \(attempt.distance)")
        }
        #expect(layeredAudit.reidentifiedTrackCount == 0)
    }

    @Test func aTrackTooSmallToJudgeIsNeverCountedReidentified() throws {
        // An unmasked 24 px face: identical to its original, yet below the recogniser's floor.
        let auditor = try ReidentificationAuditor(models: .locate(), configuration: AuditConfiguration(attacks: []))
        let (image, face) = try Fixtures.scaled(Fixtures.biden, faceSize: 24)
        var stack = FrameStack(trackID: 9)
        for frame in 0..<3 { try stack.add(frame: frame, box: face, original: image, anonymized: image) }
        let audit = try auditor.auditAveraged([stack], framesPerTrack: 3)
        #expect(audit.tracks.count == 1)
        #expect(audit.tracks[0].isTooSmallToJudge)
        #expect(!audit.tracks[0].isReidentified)
        #expect(audit.judgedTrackCount == 0 && audit.reidentifiedTrackCount == 0)
        #expect(audit.identification == nil)
        let single = try auditor.audit(
            original: image, anonymized: image, faces: [Detection(objectClass: .face, box: face, score: 1)])
        #expect(single.faces[0].isTooSmallToJudge && !single.faces[0].isReidentified)
        #expect(AuditReport(files: [single], configuration: auditor.configuration).reidentifiedFaceCount == 0)
    }
}
