public import Foundation
internal import VeilMedia

/// Finds the model files that `make setup` installed and fingerprints them.
public struct ModelStore: Sendable {
    /// Directories searched in order.
    public let directories: [URL]

    /// Where setup installs models (`/usr/local/share/veil/models`) and the directory beside an
    /// installed binary (`<prefix>/bin/../share/veil/models`).
    public static let defaultDirectories: [URL] = {
        var directories = [URL(fileURLWithPath: "/usr/local/share/veil/models")]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let besideBinary = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/veil/models")
        if besideBinary.path != directories[0].path { directories.append(besideBinary) }
        return directories
    }()

    /// A store searching `directories` in order.
    public init(directories: [URL] = ModelStore.defaultDirectories) {
        self.directories = directories
    }

    /// The first existing file with this name.
    public func url(for name: String) throws(DetectionError) -> URL {
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isReadableFile(atPath: candidate.path) { return candidate }
        }
        throw .modelMissing(name: name, searched: directories.map(\.path))
    }

    /// A model's name and SHA-256.
    public static func fingerprint(of url: URL) -> ModelFingerprint {
        ModelFingerprint(name: url.lastPathComponent, sha256: (try? SHA256.hex(ofFileAt: url)) ?? "unreadable")
    }
}
