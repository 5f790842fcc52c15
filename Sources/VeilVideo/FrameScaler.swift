internal import CVeilAV
public import VeilGeometry
public import VeilMedia

/// Makes BGR copies of video pictures at any size, for detectors that look at a frame smaller
/// than it is: shrinking straight from Y′CbCr with area averaging costs a fraction of converting
/// the full frame to BGR and resizing it afterwards.
///
/// Keeps FFmpeg's converter between calls (it is rebuilt only when sizes change). Not
/// thread-safe: one scaler per thread.
public final class FrameScaler {
    private var scaler: OpaquePointer?

    /// A scaler; its FFmpeg context is made on first use.
    public init() {}

    deinit { CVeilAV_freeScaler(scaler) }

    /// `picture` as BGR at `size` (the whole picture, stretched to it).
    public func bgr(of picture: PlanarImage, size: PixelSize) throws(VideoError) -> Image {
        let byteCount = size.width * size.height * 3
        var status: Int32 = 0
        var error = CErrorBuffer()
        let pixels = picture.planes.withUnsafeBufferPointer { planes in
            [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initializedCount in
                status = CVeilAV_planarToBGR(
                    &scaler, planes.baseAddress, Int32(picture.width), Int32(picture.height),
                    Int32(picture.matrix.ffmpegColorspace), picture.matrix.isFullRange ? 1 : 0, buffer.baseAddress,
                    Int32(size.width), Int32(size.height), &error.bytes, error.bytes.count)
                initializedCount = status == 0 ? byteCount : 0
            }
        }
        guard status == 0 else { throw .conversionFailed(reason: error.message) }
        return Image(size: size, pixels: pixels)
    }

    /// `picture` as BGR with its longer side at most `longestSide` (never enlarged), and the
    /// factors that map coordinates in the copy back to the picture.
    public func bgr(of picture: PlanarImage, longestSide: Int?) throws(VideoError) -> (
        image: Image, scaleX: Double, scaleY: Double
    ) {
        let longer = max(picture.width, picture.height)
        guard let longestSide, longestSide < longer else {
            return (try bgr(of: picture, size: picture.size), 1, 1)
        }
        let ratio = Double(longestSide) / Double(longer)
        let size = PixelSize(
            width: max(1, Int((Double(picture.width) * ratio).rounded())),
            height: max(1, Int((Double(picture.height) * ratio).rounded())))
        let image = try bgr(of: picture, size: size)
        return (image, Double(picture.width) / Double(size.width), Double(picture.height) / Double(size.height))
    }
}
