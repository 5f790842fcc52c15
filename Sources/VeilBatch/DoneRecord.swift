public import Foundation
internal import VeilMedia

/// The small file an item leaves once its output is complete and on disk: what was read, with
/// what, and what was written. A rerun skips the item only when all of it still holds.
///
/// It is written (fsync, then rename) only after the output itself has been renamed into place
/// and synced, so a record never describes an output that is not there in full; an output
/// without a record (a run killed between the two) is simply redone.
public struct DoneRecord: Sendable, Hashable, Codable {
    /// The value of ``schema``.
    public static let schemaName = "veil-batch-done"

    /// What this document is.
    public var schema = DoneRecord.schemaName
    /// The input as the manifest names it (relative to the manifest's folder).
    public var input: String
    /// The output's path below the output folder.
    public var output: String
    /// SHA-256 of the input as read.
    public var inputSHA256: String
    /// SHA-256 of the output as written.
    public var outputSHA256: String
    /// What made the output.
    public var fingerprint: SettingsFingerprint
    /// When the item finished (ISO 8601, UTC).
    public var finishedAt: String

    /// A record.
    public init(
        input: String, output: String, inputSHA256: String, outputSHA256: String, fingerprint: SettingsFingerprint,
        finishedAt: Date = Date()
    ) {
        self.input = input
        self.output = output
        self.inputSHA256 = inputSHA256
        self.outputSHA256 = outputSHA256
        self.fingerprint = fingerprint
        self.finishedAt = ISO8601DateFormatter().string(from: finishedAt)
    }

    /// Why the item must be redone, or nil when its output is current.
    public enum Staleness: Sendable, Hashable, CustomStringConvertible {
        /// No record: never finished (or killed before its record was written).
        case noRecord
        /// The settings, Veil version or models differ.
        case settingsChanged
        /// The input's bytes differ.
        case inputChanged
        /// The output is missing.
        case outputMissing
        /// The output's bytes differ from what was written (damaged, edited, cut short).
        case outputChanged

        public var description: String {
            switch self {
            case .noRecord: "not done yet"
            case .settingsChanged: "settings, Veil version or models changed"
            case .inputChanged: "input changed"
            case .outputMissing: "output missing"
            case .outputChanged: "output does not match its record"
            }
        }
    }

    /// Checks `record` against the item as it is now, cheapest checks first (the hashes read
    /// both files in full).
    ///
    /// - Returns: nil when the item can be skipped.
    public static func staleness(
        of record: DoneRecord?, fingerprint: SettingsFingerprint, input: URL, output: URL
    ) -> Staleness? {
        guard let record else { return .noRecord }
        guard record.fingerprint.settingsSHA256 == fingerprint.settingsSHA256 else { return .settingsChanged }
        guard FileManager.default.fileExists(atPath: output.path) else { return .outputMissing }
        guard BatchHash.hex(ofFileAt: input) == record.inputSHA256 else { return .inputChanged }
        guard BatchHash.hex(ofFileAt: output) == record.outputSHA256 else { return .outputChanged }
        return nil
    }

    /// The record at `url`; nil when there is none or it cannot be read (then the item is redone).
    public static func read(from url: URL) -> DoneRecord? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard let record = try? JSONDecoder().decode(DoneRecord.self, from: data), record.schema == schemaName else {
            return nil
        }
        return record
    }

    /// Writes the record atomically (temporary file, fsync, rename, then the folder synced).
    public func write(to url: URL) throws(BatchError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw .unwritable(path: url.path, reason: "\(error)")
        }
        do throws(MediaError) {
            try AtomicFile.write(data, to: url)
        } catch {
            throw .unwritable(path: url.path, reason: error.description)
        }
        Durability.syncFolder(of: url)
    }
}
