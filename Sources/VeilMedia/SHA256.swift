internal import CVeilCrypto
public import Foundation

/// SHA-256 (FIPS 180-4), for fingerprinting models and media in reports.
///
/// Computed by the system's OpenSSL (libcrypto), which uses the CPU's SHA extensions where it
/// has them: about 1.4 GB/s on the development machine, where the earlier Swift implementation
/// managed 75 MB/s and added a second per gigabyte of video to every report (docs/DECISIONS.md).
/// A value type: a copy hashes on independently of the original.
public struct SHA256: Sendable {
    private var computation = Computation()

    /// An empty hash, ready for ``update(_:)``.
    public init() {}

    /// The hex digest of a whole buffer.
    public static func hex(of data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalizeHex()
    }

    /// The hex digest of a file, read in 1 MiB chunks.
    public static func hex(ofFileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.finalizeHex()
    }

    /// Adds `data` to the message.
    public mutating func update(_ data: Data) {
        if !isKnownUniquelyReferenced(&computation) { computation = computation.copy() }
        data.withUnsafeBytes { bytes in computation.update(bytes) }
    }

    /// The digest as 64 lowercase hex digits; the hasher starts over (empty) afterwards.
    public mutating func finalizeHex() -> String {
        if !isKnownUniquelyReferenced(&computation) { computation = computation.copy() }
        let digest = computation.finish()
        computation = Computation()
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// One OpenSSL digest context. Only ``SHA256`` holds it, and mutates it only while it holds the
/// sole reference (copy on write), so no two threads ever touch one context.
private final class Computation: @unchecked Sendable {
    private let hash: OpaquePointer

    init() {
        // Fails only when libcrypto cannot allocate or the system's OpenSSL configuration
        // disables SHA-256; no report can be written then.
        guard let hash = CVeilSHA256_create() else {
            fatalError("OpenSSL's libcrypto could not start a SHA-256 computation")
        }
        self.hash = hash
    }

    private init(copying other: Computation) {
        guard let hash = CVeilSHA256_copy(other.hash) else {
            fatalError("OpenSSL's libcrypto could not copy a SHA-256 computation")
        }
        self.hash = hash
    }

    deinit { CVeilSHA256_destroy(hash) }

    func copy() -> Computation { Computation(copying: self) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        // libcrypto reads exactly `count` bytes from any address (CVeilCrypto.h).
        guard CVeilSHA256_update(hash, bytes.baseAddress, bytes.count) == 0 else {
            fatalError("OpenSSL's libcrypto failed to hash \(bytes.count) bytes")
        }
    }

    func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = digest.withUnsafeMutableBufferPointer { buffer in
            CVeilSHA256_finish(hash, buffer.baseAddress)
        }
        guard status == 0 else { fatalError("OpenSSL's libcrypto failed to finish a SHA-256") }
        return digest
    }
}
