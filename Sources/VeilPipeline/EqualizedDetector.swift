public import VeilDetection
public import VeilGeometry
public import VeilMedia

/// A detector that reads an image with its lightness equalized tile by tile
/// (``VeilMedia/Image/locallyEqualized(clipLimit:tileSide:)``): for the high-resolution plate
/// passes on wide frames and their follow-up crops, where a washed-out plate's characters
/// differ from its field by ~10 luma (the fisheye lp clip's Tesla) and the text detector then
/// boxes the plate whole on some frames and not on others (docs/PLATES.md).
///
/// ```swift
/// let crops = EqualizedDetector(wrapping: stillsPlateDetector)
/// let plates = try crops.detect(in: crop)  // boxes in `crop`'s pixels, as the wrapped detector's
/// ```
///
/// Boxes are the wrapped detector's on the equalized pixels; equalization moves nothing.
public struct EqualizedDetector: ObjectDetector {
    /// The detector run on the equalized image.
    public let wrapped: any ObjectDetector
    /// OpenCV's CLAHE clip limit.
    public var clipLimit: Double = 3
    /// The tiles' side in pixels: about a plate's size on the frames it is meant for.
    public var tileSide = 48

    /// Wraps `detector`.
    ///
    /// - Parameters:
    ///   - detector: the detector run on the equalized image.
    ///   - tileSide: the tiles' side in pixels (default 48: about a plate on a 2560 px fisheye
    ///     frame, with its surroundings).
    ///   - clipLimit: OpenCV's CLAHE clip limit (default 3).
    public init(wrapping detector: any ObjectDetector, tileSide: Int = 48, clipLimit: Double = 3) {
        wrapped = detector
        self.tileSide = tileSide
        self.clipLimit = clipLimit
    }

    /// The wrapped detector's name.
    public var name: String { wrapped.name }
    /// The wrapped detector's models.
    public var models: [ModelFingerprint] { wrapped.models }

    /// The wrapped detector's detections on `image` equalized.
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        let equalized: Image
        do {
            equalized = try image.locallyEqualized(clipLimit: clipLimit, tileSide: tileSide)
        } catch {
            throw .inferenceFailed(model: name, reason: "cannot equalize the image: \(error)")
        }
        return try wrapped.detect(in: equalized)
    }
}
