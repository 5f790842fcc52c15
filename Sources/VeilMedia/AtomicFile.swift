public import Foundation

/// Writes files so that the final name only ever holds a complete file.
public enum AtomicFile {
    /// A hidden temporary name beside `url`, unique per call: `.name.veil-tmp-<uuid>.ext`.
    /// The extension is kept so encoders that look at it still work.
    public static func temporaryURL(for url: URL) -> URL {
        let directory = url.deletingLastPathComponent()
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let name = ".\(stem).veil-tmp-\(UUID().uuidString)" + (ext.isEmpty ? "" : ".\(ext)")
        return directory.appendingPathComponent(name)
    }

    /// Writes `data` to a temporary file and renames it to `url`; on any failure the temporary
    /// file is removed and `url` is left as it was.
    public static func write(_ data: Data, to url: URL) throws(MediaError) {
        let temporary = temporaryURL(for: url)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try data.write(to: temporary)
            try commit(temporary, to: url)
        } catch let error as MediaError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Renames a finished temporary file to its final name (atomic on one file system).
    public static func commit(_ temporary: URL, to url: URL) throws(MediaError) {
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritable(path: url.path, reason: reason)
        }
    }
}
