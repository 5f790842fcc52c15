public import Foundation
internal import VeilMedia

/// Original and anonymized images matched by relative path, for auditing a whole output tree.
///
/// A file pairs with the file at the same relative path in the other tree; failing that, with
/// the one file whose relative path differs only by image extension (`a/x.heic` ↔ `a/x.jpg`),
/// since anonymizing may change the format. Only still-image extensions
/// (`ImageFormat.inputExtensions`) are considered; hidden files are skipped.
public struct DirectoryPairing: Sendable, Hashable {
    /// One matched pair.
    public struct Pair: Sendable, Hashable {
        /// The original's path relative to its root (what reports show).
        public var relativePath: String
        /// The original file.
        public var original: URL
        /// Its anonymized counterpart.
        public var anonymized: URL
    }

    /// Sorted by relative path.
    public var pairs: [Pair]
    /// Relative paths of originals with no anonymized counterpart (sorted).
    public var unpairedOriginals: [String]
    /// Relative paths of anonymized images with no original (sorted).
    public var unpairedAnonymized: [String]

    /// Pairs the images under two directories.
    ///
    /// - Throws: ``AuditError/directoryUnreadable(path:reason:)`` when either cannot be listed.
    /// - Complexity: O(*n* log *n*) in the number of files.
    public init(originals: URL, anonymized: URL) throws(AuditError) {
        let left = try Self.images(under: originals)
        let right = try Self.images(under: anonymized)
        var remaining = Set(right)
        var byStem: [String: [String]] = [:]
        for path in right { byStem[Self.stem(path), default: []].append(path) }
        var pairs: [Pair] = []
        var unpaired: [String] = []
        // 1. Exact relative paths first, so an extension match never steals an exact one.
        var unmatched: [String] = []
        for path in left {
            if remaining.remove(path) != nil {
                pairs.append(
                    Pair(
                        relativePath: path, original: originals.appendingPathComponent(path),
                        anonymized: anonymized.appendingPathComponent(path)))
            } else {
                unmatched.append(path)
            }
        }
        // 2. Same path but another image extension, when exactly one candidate is left.
        for path in unmatched {
            let candidates = (byStem[Self.stem(path)] ?? []).filter { remaining.contains($0) }
            if candidates.count == 1, let match = candidates.first {
                remaining.remove(match)
                pairs.append(
                    Pair(
                        relativePath: path, original: originals.appendingPathComponent(path),
                        anonymized: anonymized.appendingPathComponent(match)))
            } else {
                unpaired.append(path)
            }
        }
        self.pairs = pairs.sorted { $0.relativePath < $1.relativePath }
        self.unpairedOriginals = unpaired.sorted()
        self.unpairedAnonymized = remaining.sorted()
    }

    /// Relative paths of the still images under `root`, sorted.
    public static func images(under root: URL) throws(AuditError) -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryUnreadable(path: root.path, reason: "no such directory")
        }
        guard
            let enumerator = manager.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
            )
        else {
            throw .directoryUnreadable(path: root.path, reason: "cannot enumerate")
        }
        let base =
            root.standardizedFileURL.path.hasSuffix("/")
            ? root.standardizedFileURL.path : root.standardizedFileURL.path + "/"
        var paths: [String] = []
        for case let url as URL in enumerator {
            guard ImageFormat.inputExtensions.contains(url.pathExtension.lowercased()),
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            let full = url.standardizedFileURL.path
            paths.append(full.hasPrefix(base) ? String(full.dropFirst(base.count)) : url.lastPathComponent)
        }
        return paths.sorted()
    }

    /// The relative path without its extension.
    private static func stem(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path }
        return String(path[..<dot])
    }
}
