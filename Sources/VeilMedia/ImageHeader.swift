public import Foundation
public import VeilGeometry

/// What an encoded file's first bytes say about it, read before any decoder allocates pixels.
///
/// Decoders trust the header's dimensions: a 1 KB PNG claiming 30000 × 30000 makes OpenCV
/// allocate 2.7 GB (its own limit is 2^30 pixels). ``ImageCodec`` reads this header first so a
/// decompression bomb, a multi-page TIFF, an animation or a video named like a photo is refused
/// with a message saying what the file is, and WebP's EXIF orientation (which OpenCV ignores) is
/// known. Pure parsing of bounded structures: no allocation proportional to what the file
/// claims, every offset checked against the data.
///
/// ```swift
/// let header = ImageHeader(Data(contentsOf: url))
/// if header.size.map({ $0.width * $0.height }) ?? 0 > ImageCodec.maximumPixelCount { … }
/// ```
public struct ImageHeader: Sendable, Equatable {
    public enum Container: String, Sendable {
        case jpeg = "JPEG"
        case png = "PNG"
        case webp = "WebP"
        case gif = "GIF"
        case bmp = "BMP"
        case tiff = "TIFF"
        case pnm = "PNM"
        case jpeg2000 = "JPEG 2000"
        case heif = "HEIF"
        /// A video container (MP4/MOV, Matroska/WebM, AVI, MPEG-TS): not a photo.
        case video = "video"
        case unknown = "unknown"
    }

    public var container: Container = .unknown
    /// The stored size the header declares (before any orientation), when the format says.
    public var size: PixelSize?
    /// Pages (TIFF IFDs) or frames (animated GIF/WebP, when the header says); 1 otherwise.
    public var frameCount = 1
    /// Whether the file is an animation (GIF with several images, WebP with its animation flag).
    public var isAnimated = false
    /// EXIF orientation 1…8 from a WebP `EXIF` chunk (OpenCV applies JPEG's and PNG's itself).
    public var exifOrientation: Int?
    /// For `.video`, a name for the container (`MP4/MOV`, `Matroska/WebM`, …).
    public var videoContainer: String?

    public init(_ data: Data) {
        let bytes = [UInt8](data.prefix(Self.readLimit))
        let reader = ByteReader(bytes: bytes)
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            container = .jpeg
            size = Self.jpegSize(reader)
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            container = .png
            if reader.ascii(12, 4) == "IHDR", let width = reader.u32(16, bigEndian: true),
                let height = reader.u32(20, bigEndian: true)
            {
                size = PixelSize(width: Int(width), height: Int(height))
            }
        } else if reader.ascii(0, 4) == "RIFF", reader.ascii(8, 4) == "WEBP" {
            container = .webp
            readWebP(reader)
        } else if reader.ascii(0, 4) == "RIFF", reader.ascii(8, 4) == "AVI " {
            container = .video
            videoContainer = "AVI"
        } else if reader.ascii(0, 6) == "GIF87a" || reader.ascii(0, 6) == "GIF89a" {
            container = .gif
            readGIF(reader)
        } else if reader.ascii(0, 2) == "BM", let dibSize = reader.u32(14, bigEndian: false) {
            container = .bmp
            if dibSize == 12, let width = reader.u16(18, bigEndian: false),
                let height = reader.u16(20, bigEndian: false)
            {
                // OS/2 BITMAPCOREHEADER: 16-bit sides.
                size = PixelSize(width: Int(width), height: Int(height))
            } else if let width = reader.u32(18, bigEndian: false), let height = reader.u32(22, bigEndian: false) {
                // Negative heights mean top-down rows.
                size = PixelSize(width: Int(Int32(bitPattern: width)), height: abs(Int(Int32(bitPattern: height))))
            }
        } else if bytes.starts(with: [0x49, 0x49, 0x2A, 0]) || bytes.starts(with: [0x4D, 0x4D, 0, 0x2A]) {
            container = .tiff
            readTIFF(data)
        } else if bytes.count > 2, bytes[0] == 0x50, (0x31...0x36).contains(bytes[1]) {
            container = .pnm
            size = Self.pnmSize(bytes)
        } else if reader.ascii(4, 4) == "jP  " || bytes.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            container = .jpeg2000
            size = Self.jpeg2000Size(reader)
        } else if reader.ascii(4, 4) == "ftyp" {
            let brand = reader.ascii(8, 4) ?? ""
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"].contains(brand) {
                container = .heif
            } else {
                container = .video
                videoContainer = "MP4/MOV"
            }
        } else if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) {
            container = .video
            videoContainer = "Matroska/WebM"
        } else if bytes.count >= 377, bytes[0] == 0x47, bytes[188] == 0x47, bytes[376] == 0x47 {
            container = .video
            videoContainer = "MPEG-TS"
        }
    }

    /// Headers live at the start; a TIFF's later IFDs are followed through the whole data.
    static let readLimit = 1 << 20

    /// Width × height; `Int.max` when the product overflows (JPEG 2000 sides are 32-bit, so a
    /// header can declare more pixels than `Int` holds: found by fuzzing).
    public var pixelCount: Int? {
        size.map { size in
            let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
            return overflow ? Int.max : pixels
        }
    }

    // MARK: - JPEG

    /// The frame header (SOF0…SOF15 except DHT, JPG and DAC) of a JPEG.
    static func jpegSize(_ reader: ByteReader) -> PixelSize? {
        var index = 2
        while let marker = reader.u8(index + 1), reader.u8(index) == 0xFF {
            if marker == 0xFF {
                index += 1
                continue
            }
            guard let length = reader.u16(index + 2, bigEndian: true) else { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard let height = reader.u16(index + 5, bigEndian: true),
                    let width = reader.u16(index + 7, bigEndian: true)
                else { return nil }
                return PixelSize(width: Int(width), height: Int(height))
            }
            if marker == 0xDA || marker == 0xD9 { return nil }
            index += 2 + Int(length)
        }
        return nil
    }

    // MARK: - WebP

    mutating func readWebP(_ reader: ByteReader) {
        var index = 12
        var frames = 0
        while let fourCC = reader.ascii(index, 4), let length = reader.u32(index + 4, bigEndian: false) {
            let payload = index + 8
            switch fourCC {
            case "VP8X":
                if let flags = reader.u8(payload) { isAnimated = flags & 0x02 != 0 }
                if let width = reader.u24(payload + 4), let height = reader.u24(payload + 7) {
                    size = PixelSize(width: width + 1, height: height + 1)
                }
            case "VP8 " where size == nil:
                if let width = reader.u16(payload + 6, bigEndian: false),
                    let height = reader.u16(payload + 8, bigEndian: false)
                {
                    size = PixelSize(width: Int(width & 0x3FFF), height: Int(height & 0x3FFF))
                }
            case "VP8L" where size == nil:
                if let bits = reader.u32(payload + 1, bigEndian: false) {
                    size = PixelSize(width: Int(bits & 0x3FFF) + 1, height: Int((bits >> 14) & 0x3FFF) + 1)
                }
            case "ANMF":
                frames += 1
            case "EXIF":
                exifOrientation = Self.exifOrientation(reader, at: payload, length: Int(length))
            default: break
            }
            index = payload + Int(length) + Int(length & 1)
        }
        frameCount = max(1, frames)
        isAnimated = isAnimated || frames > 1
    }

    /// The Orientation tag (0x0112) of the first IFD of an EXIF block (a TIFF structure, some
    /// writers prefix it with `Exif\0\0`).
    static func exifOrientation(_ reader: ByteReader, at start: Int, length: Int) -> Int? {
        var tiff = start
        if reader.ascii(start, 4) == "Exif" { tiff += 6 }
        guard let order = reader.ascii(tiff, 2), order == "II" || order == "MM" else { return nil }
        let big = order == "MM"
        guard let first = reader.u32(tiff + 4, bigEndian: big),
            let count = reader.u16(tiff + Int(first), bigEndian: big)
        else { return nil }
        for entry in 0..<Int(count) {
            let offset = tiff + Int(first) + 2 + entry * 12
            guard offset + 12 <= start + length else { return nil }
            if reader.u16(offset, bigEndian: big) == 0x0112, let value = reader.u16(offset + 8, bigEndian: big) {
                return (1...8).contains(Int(value)) ? Int(value) : nil
            }
        }
        return nil
    }

    // MARK: - GIF

    mutating func readGIF(_ reader: ByteReader) {
        if let width = reader.u16(6, bigEndian: false), let height = reader.u16(8, bigEndian: false) {
            size = PixelSize(width: Int(width), height: Int(height))
        }
        // Count image descriptors, skipping the colour tables and data sub-blocks between them.
        var index = 13
        if let flags = reader.u8(10), flags & 0x80 != 0 { index += 3 << (Int(flags & 0x07) + 1) }
        var images = 0
        blocks: while let introducer = reader.u8(index) {
            switch introducer {
            case 0x2C:
                images += 1
                guard let flags = reader.u8(index + 9) else { break blocks }
                index += 10
                if flags & 0x80 != 0 { index += 3 << (Int(flags & 0x07) + 1) }
                index += 1  // LZW minimum code size
                index = Self.skipSubBlocks(reader, from: index)
            case 0x21:
                index = Self.skipSubBlocks(reader, from: index + 2)
            default:
                break blocks  // the trailer (0x3B) or something that is not GIF
            }
        }
        frameCount = max(1, images)
        isAnimated = images > 1
    }

    static func skipSubBlocks(_ reader: ByteReader, from start: Int) -> Int {
        var index = start
        while let length = reader.u8(index), length != 0 { index += Int(length) + 1 }
        return index + 1
    }

    // MARK: - TIFF

    mutating func readTIFF(_ data: Data) {
        let reader = ByteReader(bytes: [UInt8](data))
        let big = reader.u8(0) == 0x4D
        var offset = reader.u32(4, bigEndian: big).map(Int.init) ?? 0
        var pages = 0
        var visited: Set<Int> = []
        // IFDs form a chain; a cycle or an offset outside the file ends it.
        while offset >= 8, !visited.contains(offset), let count = reader.u16(offset, bigEndian: big), pages < 65_536 {
            visited.insert(offset)
            pages += 1
            if pages == 1 {
                var width: Int?
                var height: Int?
                for entry in 0..<Int(count) {
                    let at = offset + 2 + entry * 12
                    guard let tag = reader.u16(at, bigEndian: big), let type = reader.u16(at + 2, bigEndian: big)
                    else { break }
                    let value =
                        type == 3
                        ? reader.u16(at + 8, bigEndian: big).map(Int.init)
                        : reader.u32(at + 8, bigEndian: big).map(Int.init)
                    if tag == 0x0100 { width = value }
                    if tag == 0x0101 { height = value }
                }
                if let width, let height { size = PixelSize(width: width, height: height) }
            }
            offset = reader.u32(offset + 2 + Int(count) * 12, bigEndian: big).map(Int.init) ?? 0
        }
        frameCount = max(1, pages)
    }

    // MARK: - PNM and JPEG 2000

    /// `P1`…`P6`, whitespace, comments (`#` to end of line), width, height.
    static func pnmSize(_ bytes: [UInt8]) -> PixelSize? {
        var numbers: [Int] = []
        var index = 2
        while numbers.count < 2, index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else if (0x30...0x39).contains(byte) {
                var value = 0
                while index < bytes.count, (0x30...0x39).contains(bytes[index]), value < 1 << 40 {
                    value = value * 10 + Int(bytes[index] - 0x30)
                    index += 1
                }
                numbers.append(value)
                continue
            }
            index += 1
        }
        return numbers.count == 2 ? PixelSize(width: numbers[0], height: numbers[1]) : nil
    }

    /// The `ihdr` box of a JP2 file, or the SIZ marker of a bare codestream.
    static func jpeg2000Size(_ reader: ByteReader) -> PixelSize? {
        if reader.u16(0, bigEndian: true) == 0xFF4F {
            guard let width = reader.u32(8, bigEndian: true), let height = reader.u32(12, bigEndian: true) else {
                return nil
            }
            return PixelSize(width: Int(width), height: Int(height))
        }
        guard let range = Data(reader.bytes).range(of: Data("ihdr".utf8)),
            let height = reader.u32(range.upperBound, bigEndian: true),
            let width = reader.u32(range.upperBound + 4, bigEndian: true)
        else { return nil }
        return PixelSize(width: Int(width), height: Int(height))
    }
}

/// Bounds-checked reads from a byte array: every accessor returns nil past the end.
struct ByteReader {
    let bytes: [UInt8]

    func u8(_ at: Int) -> UInt8? { at >= 0 && at < bytes.count ? bytes[at] : nil }

    func u16(_ at: Int, bigEndian: Bool) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        let (a, b) = (UInt16(bytes[at]), UInt16(bytes[at + 1]))
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u24(_ at: Int) -> Int? {
        guard at >= 0, at + 3 <= bytes.count else { return nil }
        return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16
    }

    func u32(_ at: Int, bigEndian: Bool) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        let values = bytes[at..<at + 4].map(UInt32.init)
        return bigEndian
            ? values[0] << 24 | values[1] << 16 | values[2] << 8 | values[3]
            : values[3] << 24 | values[2] << 16 | values[1] << 8 | values[0]
    }

    func ascii(_ at: Int, _ count: Int) -> String? {
        guard at >= 0, at + count <= bytes.count else { return nil }
        return String(decoding: bytes[at..<at + count], as: UTF8.self)
    }
}
