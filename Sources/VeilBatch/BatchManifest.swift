public import Foundation
public import VeilPipeline

/// The list of inputs a batch works through, with each input's output under the output folder.
///
/// Two line formats, which may be mixed: a plain path, or a JSON object (JSON Lines) with
/// `input`, optional `output` (relative to the output folder) and optional `options`
/// (``ItemOptions``). Blank lines and lines starting with `#` are skipped.
///
/// ```
/// # cams.txt
/// cams/north/2026-11-01.mp4
/// {"input": "stills/gate.jpg", "output": "public/gate.jpg", "options": {"quality": 80}}
/// ```
///
/// Relative input paths resolve against the manifest's folder. Outputs mirror the inputs as in
/// `veil anonymize DIR -o OUT`: `cams/north/x.mp4` is written to `OUT/cams/north/x.mp4`, with the
/// same renaming (`.avi` → `.mp4`, `.heic` → `.jpg`); an absolute input outside the manifest's
/// folder is mirrored by its whole path (`/data/a.jpg` → `OUT/data/a.jpg`).
public struct BatchManifest: Sendable {
    /// The items, in manifest order.
    public var items: [ManifestItem]
    /// SHA-256 of the manifest's bytes: which plan the shard reports belong to.
    public var sha256: String

    /// Reads and plans `manifest`.
    ///
    /// - Throws: ``BatchError/manifestUnreadable(path:reason:)``, ``BatchError/manifestLine(path:line:reason:)``
    ///   (the first bad line), ``BatchError/manifestEmpty(path:)``.
    public init(contentsOf manifest: URL, outputRoot: URL) throws(BatchError) {
        let data: Data
        do {
            data = try Data(contentsOf: manifest)
        } catch {
            throw .manifestUnreadable(path: manifest.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(
            data: data, folder: manifest.deletingLastPathComponent(), outputRoot: outputRoot, displayName: manifest.path
        )
    }

    /// Plans a manifest's bytes.
    ///
    /// - Parameters:
    ///   - data: the manifest (UTF-8).
    ///   - folder: where relative inputs resolve (the manifest's folder).
    ///   - outputRoot: the output folder.
    ///   - displayName: how errors name the manifest.
    /// - Complexity: O(lines).
    public init(data: Data, folder: URL, outputRoot: URL, displayName: String = "manifest") throws(BatchError) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .manifestUnreadable(path: displayName, reason: "not UTF-8 text")
        }
        let base = folder.standardizedFileURL
        let root = outputRoot.standardizedFileURL
        var items: [ManifestItem] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let entry: Entry
            do throws(LineProblem) {
                entry = line.hasPrefix("{") ? try Entry(json: line) : Entry(input: line)
            } catch {
                throw .manifestLine(path: displayName, line: offset + 1, reason: error.reason)
            }
            let input = Self.resolve(entry.input, against: base)
            let relativeInput = Self.relativePath(of: input, under: base)
            let output: URL
            let relativeOutput: String
            if let explicit = entry.output {
                guard let clean = Self.confined(explicit) else {
                    throw .manifestLine(
                        path: displayName, line: offset + 1,
                        reason: "\"output\" must be a relative path inside the output folder (got \(explicit))")
                }
                relativeOutput = clean
                output = root.appendingPathComponent(clean)
            } else {
                output = BatchPlan.outputURL(for: root.appendingPathComponent(relativeInput))
                relativeOutput = Self.relativePath(of: output, under: root)
            }
            let job = BatchJob(input: input, output: output, relativePath: relativeInput)
            items.append(
                ManifestItem(index: items.count, job: job, relativeOutput: relativeOutput, options: entry.options))
        }
        guard !items.isEmpty else { throw .manifestEmpty(path: displayName) }
        self.items = items
        sha256 = BatchHash.hex(of: data)
    }

    /// Every way the plan would lose data, found before any work: two items with one output, an
    /// output that is an input (`BatchPlan.conflicts(in:extraOutputs:)` (VeilPipeline)). Empty when safe.
    public var conflicts: [String] { BatchPlan.conflicts(in: items.map(\.job)) }

    /// The items of `shard`.
    public func items(of shard: ShardSelection) -> [ManifestItem] { items.filter { shard.owns($0.index) } }

    // MARK: - Lines

    struct LineProblem: Error { var reason: String }

    /// One line, parsed.
    struct Entry {
        var input: String
        var output: String?
        var options = ItemOptions()

        init(input: String) { self.input = input }

        init(json line: String) throws(LineProblem) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw LineProblem(reason: "not a JSON object")
            }
            let unknown = Set(object.keys).subtracting(["input", "output", "options"])
            guard unknown.isEmpty else {
                throw LineProblem(
                    reason: "unknown field(s) \(unknown.sorted().joined(separator: ", ")); "
                        + "known: input, output, options")
            }
            guard let input = object["input"] as? String, !input.isEmpty else {
                throw LineProblem(reason: "\"input\" (a path) is missing")
            }
            self.input = input
            if let output = object["output"] {
                guard let text = output as? String, !text.isEmpty else {
                    throw LineProblem(reason: "\"output\" must be a path")
                }
                self.output = text
            }
            if let options = object["options"] {
                guard let fields = options as? [String: Any] else {
                    throw LineProblem(reason: "\"options\" must be an object")
                }
                let unknownOptions = Set(fields.keys).subtracting(ItemOptions.names)
                guard unknownOptions.isEmpty else {
                    throw LineProblem(
                        reason: "unknown option(s) \(unknownOptions.sorted().joined(separator: ", ")); "
                            + "known: \(ItemOptions.names.sorted().joined(separator: ", "))")
                }
                do {
                    let bytes = try JSONSerialization.data(withJSONObject: fields)
                    self.options = try JSONDecoder().decode(ItemOptions.self, from: bytes)
                } catch {
                    throw LineProblem(reason: "\"options\": \(Self.describe(error))")
                }
                if let problem = self.options.problem { throw LineProblem(reason: problem) }
            }
        }

        static func describe(_ error: any Error) -> String {
            guard let decoding = error as? DecodingError else { return "\(error)" }
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let field = context.codingPath.first?.stringValue ?? "a value"
                return "\"\(field)\" has the wrong type or value"
            case .keyNotFound(let key, _): return "\"\(key.stringValue)\" is missing"
            @unknown default: return "invalid"
            }
        }
    }

    // MARK: - Paths

    static func resolve(_ path: String, against folder: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return folder.appendingPathComponent(expanded).standardizedFileURL
    }

    /// `url`'s path below `folder`, or its whole path without the leading `/` when it is not below it.
    static func relativePath(of url: URL, under folder: URL) -> String {
        let base = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        let path = url.path
        if path.hasPrefix(base) { return String(path.dropFirst(base.count)) }
        return String(path.drop { $0 == "/" })
    }

    /// `path` normalised, if it is relative and stays inside its folder (no `..` above it).
    static func confined(_ path: String) -> String? {
        guard !path.hasPrefix("/"), !path.hasPrefix("~") else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        // Veil's own bookkeeping and the merged report are not outputs.
        guard let first = parts.first, first != BatchLayout.folderName,
            !(parts.count == 1 && first == BatchLayout.mergedReportName)
        else { return nil }
        return parts.joined(separator: "/")
    }
}
