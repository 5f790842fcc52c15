internal import CVeilImage
public import Foundation
import VeilGeometry

/// Reads and writes still images through OpenCV.
///
/// Reading applies EXIF orientation, so pixels are upright. Writing produces files with no
/// metadata at all (OpenCV's encoders write no EXIF, XMP, IPTC, comments or thumbnails); see
/// ``MetadataInspector`` for the check.
public enum ImageCodec {
    /// Decodes an image file.
    ///
    /// - Throws: ``MediaError`` naming the file when it cannot be read, is empty, or is not an
    ///   image OpenCV can decode.
    public static func read(_ url: URL) throws(MediaError) -> Image {
        try decode(try readData(url), path: url.path)
    }

    /// The raw bytes of an image file; empty files are an error.
    public static func readData(_ url: URL) throws(MediaError) -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedFailureReason ?? "\(error)")
        }
        guard !data.isEmpty else { throw .emptyFile(path: url.path) }
        return data
    }

    /// Decodes bytes read from `path` (the path only names the file in errors).
    public static func decode(_ data: Data, path: String) throws(MediaError) -> Image {
        do {
            return try decode(data)
        } catch .undecodable(_, let reason) {
            throw .undecodable(path: path, reason: reason)
        }
    }

    /// The most pixels Veil decodes from one image: 2^28 (268 megapixels). The largest phone
    /// sensors (200 MP, 16320 × 12240) fit; gigapixel panoramas and decompression bombs (a few
    /// bytes claiming 100000 × 100000) do not. Decoding costs about 9 bytes a pixel at the
    /// peak (OpenCV's matrix, the BGR copy, the encoded output): ~2.4 GB at the limit. The
    /// header's size is checked before any decoder allocates (OpenCV's own limit is 2^30).
    public static let maximumPixelCount = 1 << 28

    /// Refuses, from its header alone, a file Veil cannot anonymize whole: a picture larger than
    /// ``maximumPixelCount``, a multi-page TIFF (only the first page would be written), an
    /// animation (only the first frame would be), a GIF, or a video named like a photo.
    static func refusal(for header: ImageHeader) -> String? {
        if header.container == .video {
            return "this is a video (\(header.videoContainer ?? "video") container), not a photo; "
                + "give it a video extension (.mp4, .mov, .mkv) to anonymize it as a video"
        }
        if let size = header.size, size.width <= 0 || size.height <= 0 {
            return "the header declares a \(size.width) × \(size.height) picture; the file is damaged"
        }
        if let size = header.size, let pixels = header.pixelCount, pixels > maximumPixelCount {
            return "the header declares \(size.width) × \(size.height) pixels, more than Veil decodes "
                + "(\(maximumPixelCount / 1_048_576) megapixels); nothing was decoded (a decompression bomb, "
                + "or a picture to split into tiles first)"
        }
        if header.container == .tiff, header.frameCount > 1 {
            return "multi-page TIFF (\(header.frameCount) pages): Veil writes single images and would drop every "
                + "page after the first; split the pages (e.g. `tiffsplit`) and anonymize each"
        }
        if header.isAnimated {
            return "animated \(header.container.rawValue) (\(header.frameCount) frames): only the first frame "
                + "would be written; convert it to a video (e.g. `ffmpeg -i in.\(header.container == .gif ? "gif" : "webp") out.mp4`) "
                + "and anonymize that"
        }
        if header.container == .gif {
            return "GIF is not supported (OpenCV has no GIF decoder); convert it to PNG"
        }
        return nil
    }

    /// The file's header, refused (``refusal(for:)``) when Veil cannot anonymize the file whole.
    /// ``decode(_:)`` checks it too; callers that scan the data first (integrity checks) call
    /// this before, so a bomb or a multi-page TIFF is named as such and never scanned.
    @discardableResult
    public static func acceptedHeader(of data: Data, path: String) throws(MediaError) -> ImageHeader {
        var header = ImageHeader(data)
        if header.container == .heif { header.size = declaredHEIFSize(data) }
        if let refusal = refusal(for: header) { throw .undecodable(path: path, reason: refusal) }
        return header
    }

    /// Decodes an encoded image held in memory.
    public static func decode(_ data: Data) throws(MediaError) -> Image {
        let header = try acceptedHeader(of: data, path: "<memory>")
        let image = try decodePixels(data)
        // OpenCV applies JPEG's and PNG's EXIF orientation but ignores WebP's.
        if header.container == .webp, let orientation = header.exifOrientation {
            return image.applyingEXIFOrientation(orientation)
        }
        return image
    }

    /// The size a HEIF file's primary image declares, from libheif's parse of its boxes.
    static func declaredHEIFSize(_ data: Data) -> PixelSize? {
        var width: Int32 = 0
        var height: Int32 = 0
        let status = data.withUnsafeBytes { bytes in
            CVeilImage_declaredSizeHEIF(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, &width, &height)
        }
        return status == 0 ? PixelSize(width: Int(width), height: Int(height)) : nil
    }

    static func decodePixels(_ data: Data) throws(MediaError) -> Image {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var error = CErrorBuffer()
        let status = data.withUnsafeBytes { bytes in
            let base = bytes.bindMemory(to: UInt8.self).baseAddress
            if CVeilImage_isHEIF(base, bytes.count) != 0 {
                return CVeilImage_decodeHEIF(
                    base, bytes.count, &pixels, &width, &height, &error.bytes, error.bytes.count)
            }
            return CVeilImage_decode(
                bytes.bindMemory(to: UInt8.self).baseAddress,
                bytes.count,
                &pixels,
                &width,
                &height,
                &error.bytes,
                error.bytes.count
            )
        }
        guard status == 0, let pixels else {
            throw .undecodable(path: "<memory>", reason: error.message)
        }
        defer { CVeilImage_free(pixels) }
        let size = PixelSize(width: Int(width), height: Int(height))
        let buffer = UnsafeBufferPointer(start: pixels, count: size.width * size.height * 3)
        return Image(size: size, pixels: Array(buffer))
    }

    /// Encodes an image in a format.
    ///
    /// - Parameters:
    ///   - image: the pixels.
    ///   - format: JPEG, PNG, WebP, BMP or TIFF.
    ///   - quality: JPEG/WebP quality 1…100.
    public static func encode(_ image: Image, format: ImageFormat, quality: Int) throws(MediaError) -> Data {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = CErrorBuffer()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            CVeilImage_encode(
                pixels.baseAddress,
                Int32(image.width),
                Int32(image.height),
                "." + format.rawValue,
                Int32(quality),
                &bytes,
                &length,
                &error.bytes,
                error.bytes.count
            )
        }
        guard status == 0, let bytes else { throw .encodingFailed(reason: error.message) }
        defer { CVeilImage_free(bytes) }
        return Data(bytes: bytes, count: length)
    }

    /// Encodes and writes an image atomically: the bytes go to a temporary file beside the
    /// destination, which is renamed over it only when everything was written.
    public static func write(_ image: Image, to url: URL, quality: Int) throws(MediaError) {
        guard let format = ImageFormat(fileExtension: url.pathExtension) else {
            throw .unsupportedOutputFormat(extension: url.pathExtension)
        }
        let data = try encode(image, format: format, quality: quality)
        try AtomicFile.write(data, to: url)
    }
}
