public import Foundation

/// `--keep-metadata` for JPEG: copies a whitelist of harmless EXIF tags from the original into
/// the (metadata-free) output.
///
/// Never copied: GPS, thumbnails (IFD1: a thumbnail would keep the unmasked face), maker notes,
/// user comments, serial numbers, owner names, unique image IDs, XMP, IPTC, and orientation
/// (the output's pixels are already upright).
public enum MetadataTransfer {
    /// IFD0 tags kept: make, model, software, date/time, copyright, resolution.
    static let keptMainTags: Set<UInt16> = [0x010F, 0x0110, 0x0131, 0x0132, 0x8298, 0x011A, 0x011B, 0x0128]
    /// Exif sub-IFD tags kept: exposure settings, capture dates, focal length, lens model.
    static let keptExifTags: Set<UInt16> = [
        0x829A, 0x829D, 0x8822, 0x8827, 0x9000, 0x9003, 0x9004, 0x9201, 0x9202, 0x9204, 0x9207, 0x9209,
        0x920A, 0xA402, 0xA403, 0xA405, 0xA434,
    ]
    static let exifPointerTag: UInt16 = 0x8769

    /// `output` with an APP1 Exif segment holding the whitelisted tags of `original`; `output`
    /// unchanged when the original has no readable EXIF or nothing is kept.
    public static func copyingSafeEXIF(from original: Data, into output: Data) -> Data {
        guard let tiff = exifPayload(of: [UInt8](original)), let reader = TIFFReader(tiff),
            let main = reader.entries(ofIFDAt: reader.firstIFDOffset)
        else { return output }
        let kept = main.filter { keptMainTags.contains($0.tag) }
        let exif =
            main.first { $0.tag == exifPointerTag }.flatMap { reader.entries(ofIFDAt: Int($0.firstLong)) }
            .map { $0.filter { keptExifTags.contains($0.tag) } } ?? []
        guard !kept.isEmpty || !exif.isEmpty else { return output }
        let segment = TIFFWriter.exifSegment(main: kept, exif: exif)
        var bytes = [UInt8](output)
        // After SOI and, when present, the JFIF APP0 segment.
        var insertAt = 2
        if bytes.count > 6, bytes[2] == 0xFF, bytes[3] == 0xE0 {
            insertAt = min(bytes.count, 4 + (Int(bytes[4]) << 8 | Int(bytes[5])))
        }
        bytes.insert(contentsOf: segment, at: insertAt)
        return Data(bytes)
    }

    /// The TIFF bytes inside a JPEG's `APP1 Exif` segment.
    static func exifPayload(of bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard bytes.starts(with: [0xFF, 0xD8]) else { return nil }
        var index = 2
        while index + 4 <= bytes.count, bytes[index] == 0xFF, bytes[index + 1] != 0xDA {
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            // The length counts its own two bytes: anything shorter is not a JPEG segment.
            guard length >= 2 else { return nil }
            let start = index + 4
            // An Exif segment holds at least its length field and the `Exif\0\0` header.
            if bytes[index + 1] == 0xE1, length >= 8, start + 6 <= bytes.count,
                bytes[start..<start + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0])
            {
                return bytes[(start + 6)..<min(bytes.count, index + 2 + length)]
            }
            index += 2 + length
        }
        return nil
    }
}

/// One IFD entry with its value bytes normalised to little-endian.
struct TIFFEntry {
    var tag: UInt16
    var type: UInt16
    var count: UInt32
    var value: [UInt8]

    var firstLong: UInt32 {
        value.count >= 4
            ? UInt32(value[0]) | UInt32(value[1]) << 8 | UInt32(value[2]) << 16 | UInt32(value[3]) << 24 : 0
    }

    /// Bytes per element of each TIFF type, and the width to byte-swap.
    static func elementSize(of type: UInt16) -> (size: Int, swapWidth: Int)? {
        switch type {
        case 1, 2, 6, 7: (1, 1)
        case 3, 8: (2, 2)
        case 4, 9, 11: (4, 4)
        case 5, 10: (8, 4)
        case 12: (8, 8)
        default: nil
        }
    }
}

/// Reads IFDs from TIFF bytes of either byte order.
struct TIFFReader {
    let bytes: [UInt8]
    let isBigEndian: Bool
    let firstIFDOffset: Int

    init?(_ tiff: ArraySlice<UInt8>) {
        let bytes = Array(tiff)
        guard bytes.count >= 8 else { return nil }
        let isBigEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): isBigEndian = false
        case (0x4D, 0x4D): isBigEndian = true
        default: return nil
        }
        let header = TIFFReader(bytes: bytes, isBigEndian: isBigEndian, firstIFDOffset: 0)
        guard let offset = header.read32(at: 4) else { return nil }
        self.init(bytes: bytes, isBigEndian: isBigEndian, firstIFDOffset: Int(offset))
    }

    private init(bytes: [UInt8], isBigEndian: Bool, firstIFDOffset: Int) {
        self.bytes = bytes
        self.isBigEndian = isBigEndian
        self.firstIFDOffset = firstIFDOffset
    }

    func read16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        let (a, b) = (UInt16(bytes[offset]), UInt16(bytes[offset + 1]))
        return isBigEndian ? a << 8 | b : b << 8 | a
    }

    func read32(at offset: Int) -> UInt32? {
        guard let high = read16(at: isBigEndian ? offset : offset + 2),
            let low = read16(at: isBigEndian ? offset + 2 : offset)
        else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    /// The entries of the IFD at `offset`; nil if it is malformed.
    func entries(ofIFDAt offset: Int) -> [TIFFEntry]? {
        guard let count = read16(at: offset), count < 1000 else { return nil }
        var entries: [TIFFEntry] = []
        for index in 0..<Int(count) {
            let base = offset + 2 + index * 12
            guard let tag = read16(at: base), let type = read16(at: base + 2), let elements = read32(at: base + 4),
                let (size, swapWidth) = TIFFEntry.elementSize(of: type), elements < 65536
            else { continue }
            let length = size * Int(elements)
            let start: Int
            if length <= 4 {
                start = base + 8
            } else {
                guard let pointer = read32(at: base + 8) else { continue }
                start = Int(pointer)
            }
            guard start >= 0, start + length <= bytes.count else { continue }
            var value = Array(bytes[start..<start + length])
            if isBigEndian && swapWidth > 1 {
                for chunk in stride(from: 0, to: value.count, by: swapWidth) {
                    value[chunk..<chunk + swapWidth].reverse()
                }
            }
            entries.append(TIFFEntry(tag: tag, type: type, count: elements, value: value))
        }
        return entries
    }
}

/// Writes a little-endian TIFF with IFD0 and an optional Exif sub-IFD, no IFD1 (no thumbnail).
enum TIFFWriter {
    static func exifSegment(main: [TIFFEntry], exif: [TIFFEntry]) -> [UInt8] {
        var mainEntries = main
        if !exif.isEmpty {
            mainEntries.append(TIFFEntry(tag: MetadataTransfer.exifPointerTag, type: 4, count: 1, value: [0, 0, 0, 0]))
        }
        mainEntries.sort { $0.tag < $1.tag }
        let exifSorted = exif.sorted { $0.tag < $1.tag }
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00]
        let mainSize = 2 + mainEntries.count * 12 + 4
        let mainData = mainEntries.reduce(0) { $0 + ($1.value.count > 4 ? $1.value.count + ($1.value.count & 1) : 0) }
        let exifOffset = 8 + mainSize + mainData
        if let pointer = mainEntries.firstIndex(where: { $0.tag == MetadataTransfer.exifPointerTag }) {
            mainEntries[pointer].value = le32(UInt32(exifOffset))
        }
        append(ifd: mainEntries, at: 8, to: &tiff)
        if !exifSorted.isEmpty { append(ifd: exifSorted, at: exifOffset, to: &tiff) }
        let payload = [0x45, 0x78, 0x69, 0x66, 0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// Appends an IFD (entries, next-IFD = 0, then out-of-line values) that starts at `offset`.
    static func append(ifd entries: [TIFFEntry], at offset: Int, to tiff: inout [UInt8]) {
        var dataOffset = offset + 2 + entries.count * 12 + 4
        var data: [UInt8] = []
        tiff += le16(UInt16(entries.count))
        for entry in entries {
            tiff += le16(entry.tag) + le16(entry.type) + le32(entry.count)
            if entry.value.count <= 4 {
                tiff += entry.value + [UInt8](repeating: 0, count: 4 - entry.value.count)
            } else {
                tiff += le32(UInt32(dataOffset))
                data += entry.value
                if entry.value.count & 1 == 1 { data.append(0) }
                dataOffset += entry.value.count + (entry.value.count & 1)
            }
        }
        tiff += le32(0) + data
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
