import ArgumentParser
import VeilPipeline

/// What happens to a video's audio: `--audio keep|drop`.
enum AudioChoice: String, ExpressibleByArgument, CaseIterable {
    case keep
    case drop
}

/// Which streams besides the masked video reach the output (anonymize and render).
struct StreamOptions: ParsableArguments {
    @Option(help: "Audio streams: keep (copied bit-identical) or drop (voices are personal data too).")
    var audio: AudioChoice = .keep

    @Flag(
        help:
            "Copy subtitle streams (the container permitting). Off by default: subtitles can hold names and GPS positions; data, timecode and attachment streams are always dropped."
    )
    var keepSubtitles = false

    /// `settings` with this stream policy.
    func applied(to settings: VideoSettings) -> VideoSettings {
        var settings = settings
        settings.output.keepsAudio = audio == .keep
        settings.output.keepsSubtitles = keepSubtitles
        return settings
    }
}
