public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that the final name only ever holds a complete file.
///
/// Temporary files are named `.name.veil-tmp-<uuid>.ext` beside their final name and are locked
/// (`flock`) by the process writing them for as long as it writes. A run killed with `kill -9`
/// leaves its temporary file behind, unlocked; ``removeLeftovers(in:)`` recognises such files by
/// their name and lock and removes them, and never touches a file another live run is writing.
public enum AtomicFile {
    /// The marker between a temporary file's stem and its UUID.
    static let marker = ".veil-tmp-"

    /// A hidden temporary name beside `url`, unique per call: `.name.veil-tmp-<uuid>.ext`.
    /// The extension is kept so encoders that look at it still work.
    public static func temporaryURL(for url: URL) -> URL {
        let directory = url.deletingLastPathComponent()
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let name = ".\(stem)\(marker)\(UUID().uuidString)" + (ext.isEmpty ? "" : ".\(ext)")
        return directory.appendingPathComponent(name)
    }

    /// Whether `name` is one of Veil's temporary names (``temporaryURL(for:)``).
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: marker, options: .backwards) else { return false }
        let rest = name[marker.upperBound...]
        let uuid = rest.prefix(36)
        guard uuid.count == 36, UUID(uuidString: String(uuid)) != nil else { return false }
        let tail = rest.dropFirst(36)
        return tail.isEmpty || (tail.hasPrefix(".") && !tail.contains("/"))
    }

    /// A temporary file created empty and locked for the lifetime of this value, so that
    /// ``removeLeftovers(in:)`` in another process leaves it alone. Writers may reopen the path
    /// (FFmpeg does): the lock belongs to the file, not to this descriptor's offset.
    ///
    /// `@unchecked Sendable`: `descriptor` is set once in `init` and only closed in `deinit`.
    public final class Reservation: @unchecked Sendable {
        /// The temporary file's path.
        public let url: URL
        let descriptor: Int32

        /// Creates and locks `url` (which must not exist); its folder must exist.
        public init(_ url: URL) throws(MediaError) {
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                throw .unwritable(path: url.path, reason: String(cString: strerror(errno)))
            }
            _ = flock(descriptor, LOCK_EX)
            self.url = url
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }

        /// Flushes the file's data to the disk (`fsync` on the reserved descriptor; it syncs the
        /// file, whichever descriptor wrote it), so that a power cut after the rename never
        /// leaves the final name holding a truncated file.
        public func synchronize() throws(MediaError) {
            while fsync(descriptor) != 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: url.path, reason: String(cString: strerror(errno)))
            }
        }

        /// Writes all of `data` through the reserved descriptor.
        func write(_ data: Data) throws(MediaError) {
            let failure: Int32? = data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += written
                }
                return fsync(descriptor) == 0 ? nil : errno
            }
            if let failure { throw .unwritable(path: url.path, reason: String(cString: strerror(failure))) }
        }
    }

    /// Writes `data` to a temporary file and renames it to `url`; on any failure (a full disk
    /// included) the temporary file is removed and `url` is left as it was.
    public static func write(_ data: Data, to url: URL) throws(MediaError) {
        let temporary = temporaryURL(for: url)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
        } catch {
            throw .unwritable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        do throws(MediaError) {
            let reservation = try Reservation(temporary)
            try reservation.write(data)
            try commit(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if case .unwritable(_, let reason) = error { throw .unwritable(path: url.path, reason: reason) }
            throw error
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

    /// Removes the temporary files that runs killed before they could clean up (`kill -9`, a
    /// power cut) left directly in `directory`: only regular files with Veil's temporary name
    /// that no live process holds locked. Other files and subfolders are never touched.
    ///
    /// - Returns: the files removed.
    @discardableResult
    public static func removeLeftovers(in directory: URL) -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [URL] = []
        for name in names.sorted() where isTemporaryName(name) {
            let url = directory.appendingPathComponent(name)
            let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
                flock(descriptor, LOCK_EX | LOCK_NB) == 0
            else { continue }
            if unlink(url.path) == 0 { removed.append(url) }
        }
        return removed
    }
}
