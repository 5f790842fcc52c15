import Foundation
import VeilMedia

/// Where `--report` goes: nowhere, stdout (`-`), or a file. A file's folder is checked when the
/// command starts, so a report that could not be written fails before any work, not after it.
struct ReportTarget {
    private enum Destination {
        case none
        case standardOutput
        case file(URL)
    }

    private let destination: Destination

    /// - Throws: ``Refusal`` when the folder is missing or not writable, or the path is a folder.
    init(_ argument: String?) throws(Refusal) {
        guard let argument else {
            destination = .none
            return
        }
        guard argument != "-" else {
            destination = .standardOutput
            return
        }
        let url = URL(fileURLWithPath: argument)
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw Refusal("--report \(argument) is a folder; name a file (or '-' for stdout)")
        }
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Refusal("--report \(argument): the folder \(folder.path) does not exist; nothing was done")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw Refusal(
                "--report \(argument): cannot write into \(folder.path) (\(String(cString: strerror(errno)))); nothing was done"
            )
        }
        destination = .file(url)
    }

    /// Whether a report was asked for.
    var isWanted: Bool {
        if case .none = destination { false } else { true }
    }

    /// The report file, when there is one.
    var file: URL? {
        if case .file(let url) = destination { url } else { nil }
    }

    /// Writes the report (made only when there is somewhere to write it): atomically to its
    /// file, or as the only thing on stdout.
    func write(_ document: () throws -> Data) throws {
        switch destination {
        case .none: return
        case .standardOutput:
            FileHandle.standardOutput.write(try document() + Data("\n".utf8))
        case .file(let url):
            do {
                try AtomicFile.write(try document(), to: url)
            } catch {
                throw CommandFailure("cannot write report \(url.path): \(error)")
            }
        }
    }
}
