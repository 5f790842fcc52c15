public import Foundation

/// Lists the metadata containers in an encoded image, by parsing its structure rather than
/// trusting the encoder: JPEG APPn/COM segments, PNG text/EXIF/time chunks, WebP EXIF/XMP.
///
/// Used by the tests, and by anyone who wants to check an output: an empty result means no
/// EXIF, GPS, XMP, IPTC, ICC-embedded text, comments or thumbnails.
public enum MetadataInspector {
    /// Names of metadata blocks found, e.g. `["APP1:Exif", "COM"]`; JFIF's APP0 header (no
    /// metadata, just pixel density) is not reported.
    public static func metadataBlocks(in data: Data) -> [String] {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xD8]) { return jpegBlocks(bytes) }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return pngBlocks(bytes) }
        if bytes.count > 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) {
            return webpBlocks(bytes)
        }
        return []
    }

    static func jpegBlocks(_ bytes: [UInt8]) -> [String] {
        var blocks: [String] = []
        var index = 2
        while index + 4 <= bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan: metadata comes before
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            // The length counts its own two bytes: anything shorter is not a JPEG segment.
            guard length >= 2 else { break }
            let payload = bytes[(index + 4)..<min(bytes.count, index + 2 + length)]
            let identifier = String(decoding: payload.prefix { $0 != 0 }.prefix(24), as: UTF8.self)
            switch marker {
            case 0xE0 where identifier == "JFIF": break
            case 0xE0...0xEF: blocks.append("APP\(marker - 0xE0):\(identifier)")
            case 0xFE: blocks.append("COM")
            default: break
            }
            index += 2 + length
        }
        return blocks
    }

    static func pngBlocks(_ bytes: [UInt8]) -> [String] {
        let metadataChunks: Set<String> = ["tEXt", "iTXt", "zTXt", "eXIf", "tIME", "iCCP"]
        var blocks: [String] = []
        var index = 8
        while index + 8 <= bytes.count {
            let length =
                Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8
                | Int(bytes[index + 3])
            let type = String(decoding: bytes[index + 4..<index + 8], as: UTF8.self)
            if metadataChunks.contains(type) { blocks.append(type) }
            index += 12 + length
        }
        return blocks
    }

    static func webpBlocks(_ bytes: [UInt8]) -> [String] {
        var blocks: [String] = []
        var index = 12
        while index + 8 <= bytes.count {
            let type = String(decoding: bytes[index..<index + 4], as: UTF8.self)
            let length =
                Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]) << 16
                | Int(bytes[index + 7]) << 24
            if type == "EXIF" || type == "XMP " || type == "ICCP" { blocks.append(type) }
            index += 8 + length + (length & 1)
        }
        return blocks
    }
}
