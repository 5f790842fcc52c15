internal import CVeilImage
public import Foundation

/// Finds damage that a decoder would hide: a JPEG cut short or with corrupt data decodes
/// "successfully" with a grey or smeared part (libjpeg fills in what is missing), so a face cut
/// by the damage can stay partly visible in an output that looks finished.
///
/// PNG (chunk lengths and CRCs), BMP and binary PNM (the length their header promises) are
/// checked too: their decoders refuse such files, but only after printing their own messages.
/// WebP, TIFF and HEIF decoders refuse truncated data on their own.
///
/// ```swift
/// if let damage = ImageIntegrity.damage(in: bytes) { print("damaged: \(damage)") }
/// ```
public enum ImageIntegrity {
    /// The first problem found ("libjpeg said 'Premature end of JPEG file'"), or nil when the image is intact
    /// (or in a format not checked here).
    ///
    /// - Complexity: O(bytes): for JPEG a 1/8-scale decode, a fraction of a full decode's time;
    ///   for PNG one CRC pass, no inflating.
    public static func damage(in data: Data) -> String? {
        var reason = CErrorBuffer()
        let isDamaged = data.withUnsafeBytes { bytes in
            CVeilImage_checkIntegrity(
                bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &reason.bytes, reason.bytes.count)
        }
        guard isDamaged != 0 else { return nil }
        let message = reason.message.trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "the image data is damaged" : message
    }
}
