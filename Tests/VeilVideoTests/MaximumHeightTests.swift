import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilVideo

/// `VideoOutputOptions.maximumHeight`: the review editor's browser proxy is scaled down in the
/// encoder (an `sws_scale` in the C shim, run here under the sanitizers too).
@Suite struct MaximumHeightTests {
    @Test(arguments: [(120, 160, 120), (240, 320, 240), (1000, 320, 240), (101, 132, 100)])
    func scalesDownKeepingTheAspectWithEvenSizes(maximum: Int, width: Int, height: Int) throws {
        let scratch = try Scratch()
        let input = scratch.url("in.mp4")
        try Clip.make(input, seconds: 1)
        let inputSize = try VideoReader(url: input).info.size
        try #require(inputSize == PixelSize(width: 320, height: 240))
        var options = VideoOutputOptions()
        options.maximumHeight = maximum
        let output = scratch.url("out.mp4")
        let transcoder = try VideoTranscoder(input: input, output: output, options: options)
        try transcoder.run { _ in }
        let reader = try VideoReader(url: output)
        #expect(reader.info.size == PixelSize(width: width, height: height))
        var frames = 0
        var first: Image?
        while let frame = try reader.nextFrame() {
            if first == nil { first = frame.image }
            frames += 1
        }
        #expect(frames == Clip.frameRate)
        // The picture is the input's, scaled: the mean colour stays (within encoding noise).
        let original = try #require(try VideoReader(url: input).nextFrame()?.image)
        let scaled = try #require(first)
        let (a, b) = (Self.mean(original), Self.mean(scaled))
        for channel in 0..<3 { #expect(abs(a[channel] - b[channel]) < 6, "channel \(channel): \(a) vs \(b)") }
    }

    static func mean(_ image: Image) -> [Double] {
        var sums = [0.0, 0.0, 0.0]
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x, y]
                sums[0] += Double(pixel.blue)
                sums[1] += Double(pixel.green)
                sums[2] += Double(pixel.red)
            }
        }
        return sums.map { $0 / Double(image.width * image.height) }
    }
}
