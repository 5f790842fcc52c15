internal import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// fsync for the folders holding new names, and for outputs before their done-record is
/// written (the image and video writers sync before renaming; syncing a synced file again is
/// cheap, and a done-record must never outlive its output's bytes).
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
