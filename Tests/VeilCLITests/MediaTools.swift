import Foundation
import Testing
import VeilTestSupport

/// The outside tools the media matrix uses to make inputs and to judge outputs (ffmpeg,
/// ffprobe, exiftool, heif-enc), and one `veil anonymize` run with the checks every case shares.
enum MediaTools {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs a tool found on `PATH`; never throws on a nonzero status (callers judge it).
    static func run(_ tool: String, _ arguments: [String]) throws -> Result {
        let result = try ChildProcess.tool(tool, arguments)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderrText)
    }

    /// Runs ffmpeg to make an input; the test stops when it fails.
    static func ffmpeg(_ arguments: [String]) throws {
        let result = try run("ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments)
        try #require(result.status == 0, "ffmpeg could not make the test input: \(result.stderr)")
    }

    static func exiftool(_ arguments: [String]) throws -> Result { try run("exiftool", arguments) }

    /// Whether an encoder is in this FFmpeg build (AV1, for one, is optional).
    static func hasEncoder(_ name: String) -> Bool {
        guard let result = try? run("ffmpeg", ["-hide_banner", "-encoders"]) else { return false }
        return result.text.split(separator: "\n").contains {
            $0.split(separator: " ").dropFirst().first == Substring(name)
        }
    }

    static func sha256(_ url: URL) throws -> String {
        try run("sha256sum", [url.path]).text.split(separator: " ").first.map(String.init) ?? ""
    }

    // MARK: - Probing

    /// ffprobe's JSON for the given `-show_entries`.
    static func probe(_ url: URL, entries: String, streams: String? = nil) throws -> [String: Any] {
        var arguments = ["-v", "error", "-of", "json", "-show_entries", entries]
        if let streams { arguments += ["-select_streams", streams] }
        let result = try run("ffprobe", arguments + [url.path])
        return (try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]) ?? [:]
    }

    /// Presentation times (seconds) of the decoded frames of the first video stream.
    static func frameTimes(_ url: URL) throws -> [Double] {
        let json = try probe(url, entries: "frame=best_effort_timestamp_time", streams: "v:0")
        return ((json["frames"] as? [[String: Any]]) ?? []).compactMap {
            ($0["best_effort_timestamp_time"] as? String).flatMap(Double.init)
        }
    }

    struct StreamSummary: Equatable {
        var videoCount = 0
        var audioCount = 0
        var subtitleCount = 0
        var otherCount = 0
        /// The first video stream's stored size and display rotation (degrees, 0 when none).
        var width = 0
        var height = 0
        var rotation = 0
        /// The size a player shows: stored size with a quarter-turn rotation applied.
        var displayed: Size { rotation % 180 == 0 ? Size(width, height) : Size(height, width) }
    }

    static func streams(_ url: URL) throws -> StreamSummary {
        let json = try probe(
            url, entries: "stream=codec_type,width,height:stream_disposition=attached_pic:stream_side_data=rotation")
        var summary = StreamSummary()
        for stream in (json["streams"] as? [[String: Any]]) ?? [] {
            let isCover = ((stream["disposition"] as? [String: Any])?["attached_pic"] as? Int) == 1
            switch stream["codec_type"] as? String {
            case "video" where !isCover:
                if summary.videoCount == 0 {
                    summary.width = stream["width"] as? Int ?? 0
                    summary.height = stream["height"] as? Int ?? 0
                    let sideData = (stream["side_data_list"] as? [[String: Any]]) ?? []
                    summary.rotation = sideData.compactMap { $0["rotation"] as? Int }.first.map { abs($0) } ?? 0
                }
                summary.videoCount += 1
            case "audio": summary.audioCount += 1
            case "subtitle": summary.subtitleCount += 1
            default: summary.otherCount += 1
            }
        }
        return summary
    }

    /// The MD5 of each audio stream's packets, copied out without decoding.
    static func audioHashes(_ url: URL, count: Int) throws -> [String] {
        try (0..<count).map { index in
            try run(
                "ffmpeg",
                ["-nostdin", "-v", "error", "-i", url.path, "-map", "0:a:\(index)", "-c", "copy", "-f", "md5", "-"]
            )
            .text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Container and stream tags ffprobe sees (keys lowercased).
    static func tags(_ url: URL) throws -> [String: String] {
        let json = try probe(url, entries: "format_tags:stream_tags")
        var tags: [String: String] = [:]
        let format = (json["format"] as? [String: Any])?["tags"] as? [String: String] ?? [:]
        let streams = ((json["streams"] as? [[String: Any]]) ?? []).compactMap { $0["tags"] as? [String: String] }
        for (key, value) in ([format] + streams).flatMap({ $0 }) { tags[key.lowercased()] = value }
        return tags
    }

    /// An image's size and RGB pixels as ffmpeg decodes it (ffmpeg ignores EXIF orientation,
    /// so this is what is stored; Veil's outputs carry no orientation tag).
    static func rgbPixels(_ url: URL) throws -> (size: Size, rgb: [UInt8]) {
        let json = try probe(url, entries: "stream=width,height", streams: "v:0")
        let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
        let size = Size(stream["width"] as? Int ?? 0, stream["height"] as? Int ?? 0)
        let decoded = try run(
            "ffmpeg",
            ["-nostdin", "-v", "error", "-i", url.path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        return (size, [UInt8](decoded.stdout))
    }
}

struct Size: Equatable, Sendable, CustomStringConvertible {
    var width: Int
    var height: Int
    init(_ width: Int, _ height: Int) {
        self.width = width
        self.height = height
    }
    var description: String { "\(width)×\(height)" }
}

/// One `veil anonymize` run of one input into an empty output folder, and the promises every
/// run keeps whatever the input: the input is untouched, nothing but the output (or, on
/// failure, nothing at all) is left behind, and a failure is one clear line naming the file.
struct AnonymizeRun {
    let root: URL
    let input: URL
    let output: URL
    var status: Int32 = -1
    var stderr = ""

    /// Seconds one run may take (the matrix's inputs take 1–10 s each on 2 busy cores).
    static let timeLimit: Double = 120

    /// A scratch folder with `in/<name>`; the caller writes the input there.
    init(input name: String, outputExtension: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("veil-matrix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("in"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        input = root.appendingPathComponent("in/\(name)")
        let stem = (name as NSString).deletingPathExtension
        output = root.appendingPathComponent("out/\(stem).\(outputExtension)")
    }

    /// Runs Veil (`--quiet`, faces only: plates add nothing to a media test but time) and
    /// checks the shared promises; returns whether the run succeeded.
    @discardableResult
    mutating func anonymize(_ options: [String] = []) throws -> Bool {
        let before = try MediaTools.sha256(input)
        // A hang is a failure of its own: the run is stopped after `timeLimit` and said so.
        let result = try ChildProcess.run(
            CLITests.binary, ["anonymize", input.path, "-o", output.path, "--targets", "face", "--quiet"] + options,
            timeLimit: Self.timeLimit)
        status = result.status
        stderr = result.stderrText
        #expect(!result.timedOut, "veil ran for more than \(Self.timeLimit) s on \(input.lastPathComponent): a hang")
        #expect(try MediaTools.sha256(input) == before, "the input was modified")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("in").path)
        #expect(inputs == [input.lastPathComponent], "files were left beside the input: \(inputs)")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("out").path)
        if status == 0 {
            #expect(outputs == [output.lastPathComponent], "the output folder holds \(outputs)")
            #expect(stderr.isEmpty, "a successful quiet run printed: \(stderr)")
        } else {
            #expect(status == 1, "a failed file must exit 1, not \(status): \(stderr)")
            #expect(outputs.isEmpty, "a failed run left \(outputs)")
            let lines = stderr.split(separator: "\n")
            #expect(lines.count == 1, "an error must be one line, got: \(stderr)")
            #expect(lines.first?.hasPrefix("error: ") == true && stderr.contains(input.lastPathComponent), "\(stderr)")
        }
        return status == 0
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
