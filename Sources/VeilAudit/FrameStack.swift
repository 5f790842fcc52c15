public import VeilGeometry
public import VeilMedia

/// One track's face over consecutive video frames, each frame's crop resampled into the same
/// canonical frame of reference: the input of the multi-frame averaging attack
/// (``ReidentificationAuditor/auditAveraged(_:)``).
///
/// An adversary who holds a video sees the same face masked many times. When a mask's noise is
/// drawn afresh on every frame, averaging the aligned crops cancels the noise and keeps whatever
/// the mask kept of the face; a median removes outliers. The adversary aligns the frames by the
/// mask's own position (it follows the face), so the stack aligns by the track's box: each crop
/// is the box's centre ± ``contextFraction`` box sides, scaled so the box's mean side becomes
/// ``faceSide`` pixels (one scale for both axes, so the face keeps its proportions).
///
/// The original's crops are kept alongside (same alignment): the middle one is the reference
/// photo, as the single-image audit uses the original itself. Both live in memory only.
///
/// ```swift
/// var stack = FrameStack(trackID: 3)
/// for (frame, box) in trackBoxes { try stack.add(frame: frame, box: box, original: o[frame], anonymized: a[frame]) }
/// let audit = try auditor.auditAveraged([stack])
/// ```
/// - Complexity: O(``canvasSide``²) per added frame; memory two canvases per frame.
public struct FrameStack: Sendable {
    /// The track the frames belong to.
    public let trackID: Int
    /// The face box's mean side in the canonical crop, pixels.
    public let faceSide: Int
    /// Context kept on every side of the box, as a fraction of its side (1: a crop 3 × the box,
    /// which holds dlib's aligned chip and the attacks' kernel support, as in the image audit).
    public let contextFraction: Double
    /// Frame indices added, in order.
    public private(set) var frames: [Int] = []
    /// The shorter side of the original box on each frame, pixels (for "too small to judge").
    public private(set) var originalFaceSides: [Double] = []
    /// The anonymized crops, canonical.
    public private(set) var maskedCrops: [Image] = []
    /// The original crops, canonical.
    public private(set) var originalCrops: [Image] = []
    /// The face box in each canonical crop (centred; its size follows the box's aspect).
    public private(set) var canonicalBoxes: [Box] = []

    /// An empty stack.
    public init(trackID: Int, faceSide: Int = 100, contextFraction: Double = 1) {
        self.trackID = trackID
        self.faceSide = max(8, faceSide)
        self.contextFraction = max(0.5, contextFraction)
    }

    /// The canonical crops' side, pixels.
    public var canvasSide: Int { Int((Double(faceSide) * (1 + 2 * contextFraction)).rounded()) }

    /// The number of frames added.
    public var count: Int { frames.count }

    /// The median of ``originalFaceSides`` (0 when empty).
    public var medianFaceSide: Double {
        let sorted = originalFaceSides.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Adds one frame: the track's box on it, the original frame and its anonymized counterpart.
    ///
    /// - Throws: ``AuditError/sizeMismatch(original:anonymized:)`` when the frames differ in
    ///   size.
    public mutating func add(frame: Int, box: Box, original: Image, anonymized: Image) throws(AuditError) {
        guard original.size == anonymized.size else {
            throw .sizeMismatch(original: original.size.description, anonymized: anonymized.size.description)
        }
        guard !box.isEmpty else { return }
        let scale = Double(faceSide) / (box.width * box.height).squareRoot()
        let side = canvasSide
        let origin = Point(
            x: box.center.x - Double(side) / 2 / scale,
            y: box.center.y - Double(side) / 2 / scale)
        let masked = try Self.resample(anonymized, origin: origin, scale: scale, side: side)
        let reference = try Self.resample(original, origin: origin, scale: scale, side: side)
        frames.append(frame)
        originalFaceSides.append(box.shortSide)
        maskedCrops.append(masked)
        originalCrops.append(reference)
        canonicalBoxes.append(
            Box(
                center: Point(x: Double(side) / 2, y: Double(side) / 2),
                width: box.width * scale, height: box.height * scale))
    }

    /// The index of the middle frame (the reference), nil when empty.
    public var middleIndex: Int? { frames.isEmpty ? nil : frames.count / 2 }

    /// How the aligned masked crops are combined into one image.
    public enum Combination: String, Sendable, Hashable, Codable, CaseIterable {
        /// Per-pixel mean: cancels zero-mean noise drawn afresh on each frame (its spread
        /// shrinks with √frames).
        case mean
        /// Per-pixel median: also removes outliers (a frame where the mask jumped).
        case median
    }

    /// The masked crops combined pixel by pixel; nil when empty.
    ///
    /// - Complexity: O(frames × ``canvasSide``²), times log(frames) for the median.
    public func combined(_ combination: Combination) -> Image? {
        guard let first = maskedCrops.first else { return nil }
        var pixels = [UInt8](repeating: 0, count: first.pixels.count)
        switch combination {
        case .mean:
            var sums = [Int](repeating: 0, count: first.pixels.count)
            for crop in maskedCrops {
                crop.pixels.withUnsafeBufferPointer { values in
                    for index in values.indices { sums[index] += Int(values[index]) }
                }
            }
            let count = maskedCrops.count
            for index in sums.indices { pixels[index] = UInt8((sums[index] + count / 2) / count) }
        case .median:
            var values = [UInt8](repeating: 0, count: maskedCrops.count)
            for index in pixels.indices {
                for (frame, crop) in maskedCrops.enumerated() { values[frame] = crop.pixels[index] }
                values.sort()
                pixels[index] = values[values.count / 2]
            }
        }
        return Image(size: first.size, pixels: pixels)
    }

    /// The square of `image` from `origin`, `side ÷ scale` pixels across (rounded to whole
    /// pixels, so alignment is within one source pixel), resized to `side` × `side`; parts
    /// outside the image repeat its edge.
    static func resample(_ image: Image, origin: Point, scale: Double, side: Int) throws(AuditError) -> Image {
        let sourceSide = max(1, Int((Double(side) / scale).rounded()))
        let x0 = Int(origin.x.rounded())
        let y0 = Int(origin.y.rounded())
        var pixels = [UInt8](repeating: 0, count: sourceSide * sourceSide * 3)
        // Whole rows are copied in one go; only columns outside the image are filled one by one.
        let inside = (lower: min(sourceSide, max(0, -x0)), upper: max(0, min(sourceSide, image.width - x0)))
        for row in 0..<sourceSide {
            let y = min(image.height - 1, max(0, y0 + row))
            let target = row * sourceSide * 3
            if inside.upper > inside.lower {
                let source = image.offset(x: x0 + inside.lower, y: y)
                let count = (inside.upper - inside.lower) * 3
                pixels.replaceSubrange(
                    target + inside.lower * 3..<target + inside.lower * 3 + count,
                    with: image.pixels[source..<source + count])
            }
            for column in 0..<sourceSide where column < inside.lower || column >= inside.upper {
                let source = image.offset(x: min(image.width - 1, max(0, x0 + column)), y: y)
                for channel in 0..<3 { pixels[target + column * 3 + channel] = image.pixels[source + channel] }
            }
        }
        let square = Image(size: PixelSize(width: sourceSide, height: sourceSide), pixels: pixels)
        do {
            return try square.resized(
                to: PixelSize(width: side, height: side), interpolation: sourceSide > side ? .area : .linear)
        } catch {
            throw .attackFailed(attack: "multi-frame averaging", reason: "resampling a frame: \(error)")
        }
    }
}
