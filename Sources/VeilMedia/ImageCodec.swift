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

    /// Decodes an encoded image held in memory.
    public static func decode(_ data: Data) throws(MediaError) -> Image {
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
