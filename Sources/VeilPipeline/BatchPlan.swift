public import Foundation
internal import VeilMedia

/// One input file and where its output goes.
public struct BatchJob: Sendable, Hashable {
    public var input: URL
    public var output: URL
    /// The input's path relative to the root it was found under (or its file name), used in
    /// reports and to mirror directory trees.
    public var relativePath: String

    public init(input: URL, output: URL, relativePath: String) {
        self.input = input
        self.output = output
        self.relativePath = relativePath
    }

    /// Image or video, by the input's extension, or by the output's when the input's is not
    /// one Veil knows (`clip.dat -o clip.mp4` is a video; an audio-only `.m4a` then fails
    /// as a video without a video stream, not as an image).
    public var kind: MediaKind { MediaKind(url: input) ?? MediaKind(url: output) ?? .image }
}

/// Expands the command line's inputs (files and directories, recursively) into jobs whose
/// outputs mirror the input tree under the output path.
public enum BatchPlan {
    /// File extensions (lowercased) accepted when walking directories.
    public static let imageExtensions = ImageFormat.inputExtensions
    /// Images and videos.
    public static let mediaExtensions = MediaKind.allExtensions

    /// - Parameters:
    ///   - inputs: files and directories.
    ///   - output: a file (only with a single file input) or a directory.
    ///   - extensions: which files a directory walk picks up.
    /// - Returns: the jobs, and one error per input that could not be used (missing paths,
    ///   empty directories); a missing path never stops the other inputs.
    public static func make(inputs: [URL], output: URL, extensions: Set<String> = mediaExtensions)
        -> (jobs: [BatchJob], errors: [(path: String, error: PipelineError)])
    {
        var jobs: [BatchJob] = []
        var errors: [(String, PipelineError)] = []
        let outputIsDirectory =
            inputs.count > 1 || inputs.contains(where: isDirectory) || isDirectory(output)
            || output.hasDirectoryPath
        for input in inputs {
            var isDirectoryFlag: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isDirectoryFlag) else {
                errors.append((input.path, .inputMissing(path: input.path)))
                continue
            }
            if isDirectoryFlag.boolValue {
                let found = files(under: input, extensions: extensions)
                if found.isEmpty { errors.append((input.path, .noInputs(path: input.path))) }
                let base = inputs.count > 1 ? input.lastPathComponent + "/" : ""
                for relative in found {
                    jobs.append(
                        BatchJob(
                            input: input.appendingPathComponent(relative),
                            output: outputURL(for: output.appendingPathComponent(base + relative)),
                            relativePath: base + relative
                        )
                    )
                }
            } else {
                let name = input.lastPathComponent
                let target = outputIsDirectory ? outputURL(for: output.appendingPathComponent(name)) : output
                jobs.append(BatchJob(input: input, output: target, relativePath: name))
            }
        }
        return (jobs, errors)
    }

    /// A mirrored output path: videos in containers Veil cannot write become `.mp4`, stills in
    /// formats it cannot write (HEIC, AVIF, JPEG 2000, PNM) become `.jpg`.
    static func outputURL(for mirrored: URL) -> URL {
        if MediaKind(url: mirrored) == .image, ImageFormat(fileExtension: mirrored.pathExtension) == nil {
            return mirrored.deletingPathExtension().appendingPathExtension("jpg")
        }
        guard MediaKind(url: mirrored) == .video,
            !MediaKind.videoOutputExtensions.contains(mirrored.pathExtension.lowercased())
        else { return mirrored }
        return mirrored.deletingPathExtension().appendingPathExtension("mp4")
    }

    static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    /// Relative paths of matching files under `root`, sorted, hidden files and Veil's own
    /// temporary files skipped.
    static func files(under root: URL, extensions: Set<String>) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard !name.hasPrefix("."), extensions.contains((name as NSString).pathExtension.lowercased()) else {
                continue
            }
            if !isDirectory(root.appendingPathComponent(relative)) { found.append(relative) }
        }
        return found.sorted()
    }
}
