import Foundation
import VeilEvaluation

/// A fresh directory under the system's temporary folder, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "veil-evaluation-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes text to a path inside the directory, creating folders on the way; returns its URL.
    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> URL {
        let file = url.appending(path: relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Creates an empty folder inside the directory.
    func makeFolder(_ relativePath: String) throws {
        try FileManager.default.createDirectory(
            at: url.appending(path: relativePath), withIntermediateDirectories: true)
    }
}

/// The error loading fails with, or nil when it succeeds.
func loadingError(_ url: URL, options: DatasetLoadOptions = DatasetLoadOptions()) -> EvaluationError? {
    do {
        _ = try EvaluationDataset.load(from: url, options: options)
        return nil
    } catch {
        return error
    }
}
