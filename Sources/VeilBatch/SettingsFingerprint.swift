public import Foundation
public import VeilDetection

/// What made an output, reduced to what a rerun compares: the hash of every setting that shapes
/// it, and the Veil and model versions.
///
/// A rerun redoes an item when any of these differs from its done-record: new settings, a new
/// Veil release or a different model file may change the pixels, and the record must describe
/// the output that is on disk.
public struct SettingsFingerprint: Sendable, Hashable, Codable {
    /// SHA-256 of the settings' canonical JSON (sorted keys) together with the models and the
    /// Veil version.
    public var settingsSHA256: String
    /// Veil's version.
    public var veilVersion: String
    /// Every model used, with its SHA-256.
    public var models: [ModelFingerprint]

    /// The fingerprint of `settings` (any `Encodable` description of them; the report's
    /// settings block in practice).
    ///
    /// - Throws: only if `settings` cannot be encoded.
    public init(settings: some Encodable, models: [ModelFingerprint], veilVersion: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = try encoder.encode(settings)
        let sortedModels = Array(Set(models)).sorted { ($0.name, $0.sha256) < ($1.name, $1.sha256) }
        bytes.append(try encoder.encode(sortedModels))
        bytes.append(Data(veilVersion.utf8))
        settingsSHA256 = BatchHash.hex(of: bytes)
        self.veilVersion = veilVersion
        self.models = sortedModels
    }
}
