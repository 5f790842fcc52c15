public import Foundation
internal import VeilMedia

/// Whether a file is a still image or a video, by extension.
public enum MediaKind: String, Sendable, Codable {
    case image
    case video

    /// Video file extensions Veil reads (anything FFmpeg decodes; these are picked up when
    /// walking directories).
    public static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "3gp", "wmv", "flv",
    ]
    /// Containers Veil writes video into; other inputs get an `.mp4` output in directory runs.
    public static let videoOutputExtensions: Set<String> = ["mp4", "mov", "mkv"]

    /// The kind of `url` by its extension; nil when Veil does not read it.
    public init?(url: URL) {
        let ext = url.pathExtension.lowercased()
        if ImageFormat.inputExtensions.contains(ext) {
            self = .image
        } else if Self.videoExtensions.contains(ext) {
            self = .video
        } else {
            return nil
        }
    }

    /// Every extension picked up when walking directories.
    public static var allExtensions: Set<String> { ImageFormat.inputExtensions.union(videoExtensions) }
}
