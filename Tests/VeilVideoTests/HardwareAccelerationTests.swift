import Testing
import VeilVideo

@Suite struct HardwareAccelerationTests {
    @Test(arguments: [
        (VideoOutputOptions.Codec.h264, VideoOutputOptions.HardwareAcceleration.none, "libx264"),
        (.h265, .none, "libx265"),
        (.h264, .cuda, "h264_nvenc"),
        (.h265, .cuda, "hevc_nvenc"),
    ])
    func theEncoderFollowsTheCodecAndTheAcceleration(
        codec: VideoOutputOptions.Codec, acceleration: VideoOutputOptions.HardwareAcceleration, encoder: String
    ) {
        var options = VideoOutputOptions(codec: codec)
        options.hardwareAcceleration = acceleration
        #expect(options.encoderName == encoder)
    }

    @Test func nvencPresetsKeepTheSpeedOrder() {
        var options = VideoOutputOptions(preset: .veryfast)
        #expect(options.encoderPreset == "veryfast")
        options.hardwareAcceleration = .cuda
        #expect(options.encoderPreset == "p2")
        let names = VideoOutputOptions.Preset.allCases.map(\.nvencName)
        #expect(names == names.sorted())  // faster x264 presets never map to slower NVENC ones
        #expect(VideoOutputOptions.Preset.medium.nvencName == "p4")
    }
}
