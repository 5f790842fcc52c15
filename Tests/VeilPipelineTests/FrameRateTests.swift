import Testing

@testable import VeilPipeline

/// Strides and look-ahead windows are scaled to the frame rate, within sane bounds.
@Suite struct FrameRateTests {
    @Test func slowMotionIsPlannedAt120FramesPerSecond() {
        let settings = VideoSettings()
        #expect(settings.planner(framesPerSecond: 60, threshold: 0.2).lookAheadFrames == 60)
        // 240 fps would hold 240 decoded frames for a 1 s look-ahead; it is planned as 120.
        #expect(settings.planner(framesPerSecond: 240, threshold: 0.2).lookAheadFrames == 120)
        // A broken header's rate cannot make the window absurd either way.
        #expect(settings.planner(framesPerSecond: 90_000, threshold: 0.2).lookAheadFrames == 120)
        #expect(settings.planner(framesPerSecond: 0.01, threshold: 0.2).lookAheadFrames == 1)
        #expect(VideoSettings.planningRate(240) / VideoSettings.referenceFramesPerSecond == 4)
    }
}
