internal import CVeilImage

extension Image {
    /// The image with its lightness equalized tile by tile (contrast-limited adaptive histogram
    /// equalization on the Lab lightness, colours kept): faint detail such as a washed-out
    /// plate's characters gains contrast against its own surroundings.
    ///
    /// ```swift
    /// let clearer = try crop.locallyEqualized(clipLimit: 3, tileSide: 48)
    /// ```
    ///
    /// - Parameters:
    ///   - clipLimit: how far a tile's histogram may be stretched (OpenCV's CLAHE clip limit;
    ///     1 changes little, 3–4 is strong).
    ///   - tileSide: the tiles' side in pixels (the image is split into about width / tileSide
    ///     × height / tileSide tiles, at least one).
    /// - Throws: `MediaError.imageOperationFailed` when OpenCV fails or the arguments are not
    ///   positive.
    /// - Complexity: O(*w* · *h*).
    public func locallyEqualized(clipLimit: Double, tileSide: Int) throws(MediaError) -> Image {
        var equalized = pixels
        var error = CErrorBuffer()
        let status = equalized.withUnsafeMutableBufferPointer { target in
            CVeilImage_equalizeLocalContrast(
                target.baseAddress, Int32(width), Int32(height), clipLimit, Int32(tileSide), &error.bytes,
                error.bytes.count)
        }
        guard status == 0 else {
            throw .imageOperationFailed(operation: "equalize local contrast", reason: error.message)
        }
        return Image(size: size, pixels: equalized)
    }
}
