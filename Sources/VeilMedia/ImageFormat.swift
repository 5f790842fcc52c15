/// Still-image formats Veil writes, chosen by the output file's extension.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpg, png, webp, bmp, tiff

    /// The format for a file extension (case-insensitive; `jpeg`, `tif` accepted), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "jpg", "jpeg", "jpe": self = .jpg
        case "png": self = .png
        case "webp": self = .webp
        case "bmp": self = .bmp
        case "tif", "tiff": self = .tiff
        default: return nil
        }
    }

    /// Extensions Veil accepts as still-image inputs when walking a directory.
    public static let inputExtensions: Set<String> = [
        "jpg", "jpeg", "jpe", "png", "webp", "bmp", "tif", "tiff", "jp2", "pbm", "pgm", "ppm", "pnm", "heic",
        "heif", "avif",
    ]
}
