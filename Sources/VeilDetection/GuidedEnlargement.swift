public import VeilGeometry

/// How a photo the face pass would enlarge is enlarged only where small faces are plausible.
///
/// Small photos are enlarged (up to 2×) so their small faces reach the size the network finds
/// reliably; enlarging the whole photo costs the network 4× the pixels. Guided, the photo is
/// first searched at its own size (1×), with a low score floor so that faint, small responses
/// count too; only regions around the faces of that pass smaller than ``smallFaceSide`` are
/// searched again, enlarged, where their neighbours (faces in a crowd come in groups of like
/// size) may have been too small at 1×. Inside the regions the enlarged pass answers for the
/// small faces: weak, small 1× detections there are dropped unless they score at least
/// ``keptScore``.
///
/// On faces-masks-dev (427 crowded photos, nearly all 400–600 px) this cut CenterFace's share
/// of the face run by about half at equal coverage (docs/DECISIONS.md, "Photos: the enlarged
/// face pass guided by a 1× pass").
///
/// ```swift
/// var scaling = ScaledDetector.Configuration()
/// scaling.guidedEnlargement = GuidedEnlargement()
/// ```
public struct GuidedEnlargement: Sendable, Hashable {
    /// 1× detections with a shorter side under this many pixels seed an enlarged region.
    /// Raising it enlarges around larger faces too: 32 px cost +25 % CPU for no coverage gain
    /// on faces-masks-dev, nor on the same photos enlarged to 800 px.
    public var smallFaceSide: Double = 24
    /// The lowest score of a 1× detection that seeds a region (the network runs at this floor
    /// on the 1× pass; the caller's threshold still filters what is reported). Lowering it
    /// enlarges more of the photo: 0.05 instead of 0.1 cost +35 % CPU for +0.002 recall.
    public var seedScore: Double = 0.1
    /// Small 1× detections wholly inside a region are kept only from this score up; below it
    /// the enlarged pass answers there (``yields(_:to:)``). Lowering it toward the caller's threshold keeps more weak 1× boxes:
    /// more faces covered, more false boxes (at 0.25: coverage 0.950, 3.23 false boxes per
    /// image; at 0.3: 0.947 and 2.91; the enlarged pass alone, seeds from 0.05: 0.942 and 2.71).
    public var keptScore: Double = 0.3
    /// Each seed's region is grown on every side by this many times the seed's shorter side.
    public var marginFaces: Double = 3
    /// The smallest margin around a seed, in image pixels.
    public var minimumMargin: Double = 32

    /// The defaults measured on faces-masks-dev.
    public init() {}

    /// Whether a 1× detection gives way to the enlarged pass: weak (under ``keptScore``), small
    /// (shorter side under twice ``smallFaceSide``) and wholly inside a region, where the
    /// enlarged pass sees the same face. Larger or cut faces keep their 1× box whatever its
    /// score.
    public func yields(_ detection: Detection, to regions: [Box]) -> Bool {
        let box = detection.box
        guard detection.score < keptScore, min(box.width, box.height) < 2 * smallFaceSide else { return false }
        return regions.contains { $0.coverage(of: box) >= 1 }
    }

    /// The regions to enlarge around `seeds`: each grown by its margin, clamped to `bounds`, on
    /// whole pixels, and merged with any region it touches until none overlap.
    ///
    /// - Complexity: O(*n*²) in the number of seeds at worst (`[Box].mergingOverlaps()`);
    ///   a photo's small faces number in the tens.
    public func regions(around seeds: [Box], in bounds: Box) -> [Box] {
        seeds.map { seed in
            seed.expandedToWholePixels(by: max(minimumMargin, min(seed.width, seed.height) * marginFaces))
                .clamped(to: bounds)
        }.filter { !$0.isEmpty }.mergingOverlaps()
    }
}
