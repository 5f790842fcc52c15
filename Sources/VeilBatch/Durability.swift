internal import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// fsync for files renamed into place by code that does not sync them itself (the video
/// writer renames without fsync), and for the folders holding new names.
enum Durability {
    /// Flushes `url`'s bytes to the disk; false when it cannot be opened or synced.
    @discardableResult
    static func syncFile(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }

    /// Flushes the folder entry of `url` (the rename that gave it its name).
    @discardableResult
    static func syncFolder(of url: URL) -> Bool {
        let descriptor = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }
}
