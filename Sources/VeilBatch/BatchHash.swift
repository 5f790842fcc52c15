public import Foundation
internal import VeilMedia

/// SHA-256 in lowercase hex, of bytes or of a file (read in chunks; memory stays flat for
/// videos of any size).
public enum BatchHash {
    /// The hash of `data`.
    public static func hex(of data: Data) -> String { SHA256.hex(of: data) }

    /// The hash of the file at `url`; nil when it cannot be read.
    public static func hex(ofFileAt url: URL) -> String? { try? SHA256.hex(ofFileAt: url) }
}
