public import Foundation
internal import VeilMedia

/// One input file and where its output goes.
public struct BatchJob: Sendable, Hashable {
    /// The file read.
    public var input: URL
    /// Where its output goes.
    public var output: URL
    /// The input's path relative to the root it was found under (or its file name), used in
    /// reports and to mirror directory trees.
    public var relativePath: String

    /// A job.
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
        let outputIsDirectory = writesIntoFolder(inputs: inputs, output: output)
        let skipped = outputIsDirectory ? realPath(output) : nil
        for input in inputs {
            var isDirectoryFlag: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isDirectoryFlag) else {
                errors.append((input.path, .inputMissing(path: input.path)))
                continue
            }
            if isDirectoryFlag.boolValue {
                let found = files(under: input, extensions: extensions, skipping: skipped)
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

    /// Whether `output` is a folder the outputs go into (several inputs, a folder input, an
    /// existing folder, or a path ending in `/`) rather than the one output file.
    public static func writesIntoFolder(inputs: [URL], output: URL) -> Bool {
        inputs.count > 1 || inputs.contains(where: isDirectory) || isDirectory(output) || output.hasDirectoryPath
    }

    /// A mirrored output path: videos in containers Veil cannot write become `.mp4`, stills in
    /// formats it cannot write (HEIC, AVIF, JPEG 2000, PNM) become `.jpg`.
    public static func outputURL(for mirrored: URL) -> URL {
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

    /// Relative paths of matching files under `root`, sorted. Skipped: hidden files (Veil's own
    /// temporary files among them), the folder `skipping` (the run's output folder) and every
    /// folder below `root` that holds an ``outputMarkerName`` file (an earlier run's output).
    static func files(under root: URL, extensions: Set<String>, skipping: String? = nil) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        let rootPath = realPath(root)
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let url = root.appendingPathComponent(relative)
            if isDirectory(url) {
                let isOutput = skipping == rootPath + "/" + relative
                let isEarlierOutput = FileManager.default.fileExists(
                    atPath: url.appendingPathComponent(outputMarkerName).path)
                if isOutput || isEarlierOutput { enumerator.skipDescendants() }
                continue
            }
            guard !name.hasPrefix("."), extensions.contains((name as NSString).pathExtension.lowercased()) else {
                continue
            }
            found.append(relative)
        }
        return found.sorted()
    }

    /// The path with symbolic links resolved and `.`/`..` removed (as far as it exists).
    static func realPath(_ url: URL) -> String {
        url.standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: - Checks made before any work

    /// The hidden file a run leaves in an output folder it writes into: folders holding it are
    /// never read as input by a later directory walk, so `veil anonymize nest -o nest/anon` run
    /// twice does not anonymize its own outputs, whatever the second run's `-o`.
    public static let outputMarkerName = ".veil-output"

    /// Creates `directory` (and its parents) and marks it as Veil's output
    /// (``outputMarkerName``).
    public static func prepareOutputDirectory(_ directory: URL) throws(PipelineError) {
        let marker = directory.appendingPathComponent(outputMarkerName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: marker.path) {
                try Data("Written by veil: this folder holds anonymized outputs and is never read as input.\n".utf8)
                    .write(to: marker)
            }
        } catch {
            throw .outputUnusable(path: directory.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Why files cannot be created under `folder` (it need not exist yet: its nearest existing
    /// ancestor must be a writable folder), or nil when they can.
    public static func unwritableFolderProblem(_ folder: URL) -> String? {
        var existing = folder.standardizedFileURL
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            existing = existing.deletingLastPathComponent()
        }
        guard isDirectory(existing) else { return "cannot write into \(folder.path): \(existing.path) is a file" }
        guard access(existing.path, W_OK) == 0 else {
            return
                "cannot write into \(folder.path): \(existing.path) is not writable (\(String(cString: strerror(errno))))"
        }
        return nil
    }

    /// Whether `-o` names one file (it has an image or video extension and is not an existing
    /// folder or a path ending in `/`) while the inputs need a folder (several inputs, or a folder).
    ///
    /// - Returns: the problem, or nil when the shape fits.
    public static func outputShapeProblem(inputs: [URL], output: URL) -> String? {
        if inputs.count == 1, !isDirectory(inputs[0]), !output.hasDirectoryPath, !isDirectory(output),
            output.pathExtension.isEmpty
        {
            return "-o \(output.path) has no extension, so its format is unknown; name the output file "
                + "(e.g. -o \(output.lastPathComponent).\(inputs[0].pathExtension.isEmpty ? "jpg" : inputs[0].pathExtension)) "
                + "or write into a folder (-o \(output.lastPathComponent)/)"
        }
        guard MediaKind(url: output) != nil, !output.hasDirectoryPath, !isDirectory(output) else { return nil }
        let folders = inputs.filter(isDirectory)
        guard inputs.count > 1 || !folders.isEmpty else { return nil }
        let why = folders.isEmpty ? "there are \(inputs.count) inputs" : "the input \(folders[0].path) is a folder"
        return "-o \(output.path) names a file but \(why); give a folder to write into (e.g. -o out/)"
    }

    /// Every way the jobs would lose data, found before any work: two inputs with the same output
    /// (`ca/x.jpg` and `cb/x.jpg` into one folder, `a.jpg` and `a.ppm` both written as `a.jpg`),
    /// and outputs that are an input (the same path, a symbolic link to it or a hard link).
    /// `extraOutputs` are other files the run writes (the report), checked the same way.
    ///
    /// - Returns: one line per problem, sorted; empty when the plan is safe.
    /// - Complexity: O(jobs log jobs), one `stat` per input and output.
    public static func conflicts(in jobs: [BatchJob], extraOutputs: [URL] = []) -> [String] {
        var problems: [String] = []
        var byOutput: [String: [BatchJob]] = [:]
        for job in jobs { byOutput[realPath(job.output), default: []].append(job) }
        for (output, sharing) in byOutput where sharing.count > 1 {
            let inputs = sharing.map(\.input.path).sorted().joined(separator: ", ")
            problems.append("\(output) would be written by \(sharing.count) inputs: \(inputs)")
        }
        var inputsByPath: [String: String] = [:]
        var inputsByFile: [FileIdentity: String] = [:]
        for job in jobs {
            inputsByPath[realPath(job.input)] = job.input.path
            if let identity = FileIdentity(job.input) { inputsByFile[identity] = job.input.path }
        }
        let outputs = jobs.map(\.output) + extraOutputs
        for output in Set(outputs.map(realPath)).sorted() {
            let input = inputsByPath[output] ?? FileIdentity(URL(fileURLWithPath: output)).flatMap { inputsByFile[$0] }
            if let input { problems.append("\(output) is the input \(input); Veil never overwrites an input") }
        }
        for extra in extraOutputs where byOutput[realPath(extra)] != nil {
            problems.append("\(realPath(extra)) is both a media output and the report")
        }
        return problems.sorted()
    }

    /// Device and inode: the same file under two names (hard links).
    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64

        init?(_ url: URL) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
                let device = attributes[.systemNumber] as? NSNumber,
                let inode = attributes[.systemFileNumber] as? NSNumber
            else { return nil }
            self.device = device.uint64Value
            self.inode = inode.uint64Value
        }
    }
}
