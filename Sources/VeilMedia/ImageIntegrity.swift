internal import CVeilImage
public import Foundation

/// Finds damage that a decoder would hide: a JPEG cut short or with corrupt data decodes
/// "successfully" with a grey or smeared part (libjpeg fills in what is missing), so a face cut
/// by the damage can stay partly visible in an output that looks finished.
///
/// Other formats Veil reads refuse truncated data in their decoder already (PNG, WebP, TIFF,
/// BMP, PNM and HEIF fail to decode), so this only needs to look at JPEG.
///
/// ```swift
/// if let damage = ImageIntegrity.damage(in: bytes) { print("damaged: \(damage)") }
/// ```
public enum ImageIntegrity {
    /// The first problem the decoder met ("Premature end of JPEG file"), or nil when the image
    /// is intact (or not a JPEG).
    ///
    /// - Complexity: O(bytes): a 1/8-scale decode, about a tenth of a full decode's time.
    public static func damage(in data: Data) -> String? {
        var reason = CErrorBuffer()
        let isDamaged = data.withUnsafeBytes { bytes in
            CVeilImage_checkJPEG(
                bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &reason.bytes, reason.bytes.count)
        }
        guard isDamaged != 0 else { return nil }
        let message = reason.message.trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "the JPEG data is damaged" : message
    }
}
