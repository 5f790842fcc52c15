import Foundation
import VeilGeometry

/// Turns a DB ("differentiable binarization") text probability map into text rectangles, as
/// PaddleOCR and rapidocr do: binarize, dilate, find each connected region, fit a minimum-area
/// rectangle, score it, and "unclip" it (DB predicts shrunk text kernels; unclipping grows
/// them back to the text's extent).
///
/// ```swift
/// let regions = DBPostProcessing().regions(in: map)
/// ```
///
/// Defaults are rapidocr-onnxruntime 1.4.4's (`thresh`, `box_thresh`, `unclip_ratio`,
/// `use_dilation`, `min_size`, `max_candidates`).
public struct DBPostProcessing: Sendable, Hashable {
    /// A pixel is text when its probability exceeds this. Lowering it merges neighbouring
    /// words and finds fainter text, but grows boxes into the background.
    public var binarizationThreshold: Float = 0.3
    /// Regions whose mean probability is below this are dropped. 0.5 keeps 97 % of the plates
    /// on the dev set (docs/PLATES.md); lowering it adds faint text, mostly not plates.
    public var minimumScore: Double = 0.5
    /// How far regions are grown back: each side moves out by `area * ratio / perimeter`.
    public var unclipRatio: Double = 1.6
    /// Dilate the binary map by a 2 × 2 square first, joining characters split by one pixel.
    public var dilatesBinaryMap: Bool = true
    /// Regions whose shorter side is below this many map pixels are noise (before unclipping;
    /// after unclipping the limit is this plus 2, as in PaddleOCR).
    public var minimumSide: Double = 3
    /// At most this many regions are examined, largest first.
    public var maximumRegions: Int = 1000

    /// The tuned defaults.
    public init() {}

    /// Text regions in the map, in map pixels.
    ///
    /// - Complexity: O(*w* · *h*) for the map plus O(*p* log *p*) per region of *p* pixels.
    public func regions(in map: TextProbabilityMap) -> [TextRegion] {
        map.withView { regions(in: $0) }
    }

    /// Text regions in a map read in place (the text detector's output, not copied).
    func regions(in map: TextProbabilityView) -> [TextRegion] {
        var components = ConnectedComponents.label(binaryMap(map), width: map.width, height: map.height)
        if components.count > maximumRegions {
            components.sort { $0.pixelCount > $1.pixelCount }
            components.removeLast(components.count - maximumRegions)
        }
        return components.compactMap { component in
            guard let rect = RotatedRect.minimumArea(enclosing: component.rowExtremes),
                rect.shortSide >= minimumSide
            else { return nil }
            let score = meanProbability(of: map, inside: rect)
            guard score >= minimumScore else { return nil }
            let unclipped = rect.grown(by: unclipDistance(for: rect))
            guard unclipped.shortSide >= minimumSide + 2 else { return nil }
            return TextRegion(rect: unclipped, score: score)
        }
    }

    /// The distance every side of `rect` moves out when it is unclipped.
    public func unclipDistance(for rect: RotatedRect) -> Double {
        let perimeter = 2 * (rect.width + rect.height)
        return perimeter > 0 ? rect.area * unclipRatio / perimeter : 0
    }

    private func binaryMap(_ map: TextProbabilityView) -> [Bool] {
        let binary = map.values.map { $0 > binarizationThreshold }
        guard dilatesBinaryMap else { return binary }
        // OpenCV's 2 × 2 dilation (anchor at the kernel's centre): a pixel is set when it or
        // its left, upper or upper-left neighbour is.
        var dilated = binary
        for y in 0..<map.height {
            for x in 0..<map.width where !binary[y * map.width + x] {
                let left = x > 0 && binary[y * map.width + x - 1]
                let up = y > 0 && binary[(y - 1) * map.width + x]
                let upLeft = x > 0 && y > 0 && binary[(y - 1) * map.width + x - 1]
                dilated[y * map.width + x] = left || up || upLeft
            }
        }
        return dilated
    }

    /// PaddleOCR's "fast" score: the mean probability of the pixels inside the rectangle.
    private func meanProbability(of map: TextProbabilityView, inside rect: RotatedRect) -> Double {
        let bounds = rect.boundingBox
        let x0 = max(0, Int(bounds.minX.rounded(.down)))
        let x1 = min(map.width - 1, Int(bounds.maxX.rounded(.up)))
        let y0 = max(0, Int(bounds.minY.rounded(.down)))
        let y1 = min(map.height - 1, Int(bounds.maxY.rounded(.up)))
        guard x1 >= x0, y1 >= y0 else { return 0 }
        var sum = 0.0
        var count = 0
        for y in y0...y1 {
            for x in x0...x1 where rect.contains(Point(x: Double(x), y: Double(y)), tolerance: 0.5) {
                sum += Double(map[x, y])
                count += 1
            }
        }
        return count > 0 ? sum / Double(count) : 0
    }
}
