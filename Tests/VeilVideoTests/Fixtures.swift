import Foundation
import VeilTestSupport

/// A command-line tool run that failed.
struct ToolFailure: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    let standardError: String
    var description: String { "\(command) exited with \(status): \(standardError)" }
}

/// Runs `ffmpeg`/`ffprobe` (found on PATH) and returns standard output.
@discardableResult
func runTool(_ tool: String, _ arguments: [String]) throws -> String {
    let result = try ChildProcess.tool(tool, arguments)
    guard result.status == 0 else {
        throw ToolFailure(
            command: ([tool] + arguments).joined(separator: " "), status: result.status,
            standardError: result.stderrText)
    }
    return result.stdoutText
}

/// A temporary folder that is removed when the value goes away.
final class Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "veil-video-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// File names in the folder, hidden ones (temporary outputs) included.
    var fileNames: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() }
}

/// Test clips generated with the ffmpeg CLI: testsrc2 video and sine-tone audio.
enum Clip {
    /// Default clip size: small so the suite stays fast.
    static let size = "320x240"
    static let frameRate = 25

    /// Writes a clip of `seconds` with `audioStreams` sine tones (different pitches).
    /// `videoFilter` is applied to the video; `extra` goes before the output name.
    static func make(
        _ url: URL, seconds: Double = 1, audioStreams: Int = 1, videoFilter: String? = nil, extra: [String] = []
    ) throws {
        var arguments = [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(frameRate):duration=\(seconds)",
        ]
        for stream in 0..<audioStreams {
            arguments += ["-f", "lavfi", "-i", "sine=frequency=\(440 + 220 * stream):duration=\(seconds)"]
        }
        arguments += ["-map", "0:v"]
        for stream in 0..<audioStreams { arguments += ["-map", "\(stream + 1):a"] }
        if let videoFilter { arguments += ["-vf", videoFilter] }
        arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        if audioStreams > 0 { arguments += ["-c:a", "aac", "-b:a", "64k"] }
        try runTool("ffmpeg", arguments + extra + [url.path])
    }
}

/// What ffprobe/ffmpeg say about a file: the independent check of what Veil wrote.
enum Probe {
    /// Presentation timestamps of every decoded frame of the first video stream.
    static func framePTS(_ url: URL) throws -> [Int64] {
        try runTool(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts", "-of", "csv=p=0", url.path]
        )
        // A line may carry extra fields after a comma (side data); the pts is the first.
        .split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: ",", omittingEmptySubsequences: false).first.flatMap {
                Int64($0.trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// `pts,dts,duration,size` of every packet of one stream (for example "a:0").
    static func packets(_ url: URL, stream: String) throws -> [String] {
        try runTool(
            "ffprobe",
            [
                "-v", "error", "-select_streams", stream, "-show_entries", "packet=pts,dts,duration,size", "-of",
                "csv=p=0", url.path,
            ]
        )
        .split(whereSeparator: \.isNewline).map(String.init)
    }

    /// MD5 of one stream's packet payloads, copied without decoding.
    static func payloadMD5(_ url: URL, stream: String) throws -> String {
        try runTool("ffmpeg", ["-v", "error", "-i", url.path, "-map", "0:\(stream)", "-c", "copy", "-f", "md5", "-"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The display-matrix rotation ffprobe reports for the first video stream (counter-clockwise), or nil.
    static func rotation(_ url: URL) throws -> Double? {
        let text = try runTool(
            "ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0",
                url.path,
            ]
        )
        return text.split(whereSeparator: \.isNewline).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            .first
    }

    /// `codec_type` of every stream, in order.
    static func streamTypes(_ url: URL) throws -> [String] {
        try runTool("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", url.path])
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// One stream's codec name and tag, e.g. ("hevc", "hvc1").
    static func codec(_ url: URL, stream: String) throws -> (name: String, tag: String) {
        let fields = try runTool(
            "ffprobe",
            [
                "-v", "error", "-select_streams", stream, "-show_entries", "stream=codec_name,codec_tag_string", "-of",
                "csv=p=0", url.path,
            ]
        )
        .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
        return (fields.first ?? "", fields.count > 1 ? fields[1] : "")
    }

    /// Container duration in seconds.
    static func duration(_ url: URL) throws -> Double {
        let text = try runTool(
            "ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path])
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
    }

    /// Every format and stream tag key and value, as ffprobe reads them.
    static func tags(_ url: URL) throws -> [String: String] {
        let json = try runTool(
            "ffprobe", ["-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", url.path])
        guard let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        if let format = root["format"] as? [String: Any], let tags = format["tags"] as? [String: String] {
            for (key, value) in tags { result["format:\(key)"] = value }
        }
        for (index, stream) in ((root["streams"] as? [[String: Any]]) ?? []).enumerated() {
            for (key, value) in (stream["tags"] as? [String: String]) ?? [:] { result["stream\(index):\(key)"] = value }
        }
        return result
    }
}
