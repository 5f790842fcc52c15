public import VeilGeometry

/// How a low-resolution photo is enlarged for the plate pass only where a first look at the
/// needed scale proposes text.
///
/// The plan enlarges photos under ``PlateScanPlan/Configuration/smallImageSide`` to it (a
/// 450 px photo to 640 px: twice the pixels) because such photos tend to show plates under
/// `--min-plate`. Guided, the detector first reads the whole photo at ``scaleFraction`` of the
/// needed scale (``PlateScanPlan/Configuration/neededScale``), its map cut with a low
/// threshold (``proposals``) so that small and faint text still lights up. Each proposal is
/// grown by ``marginHeights`` of its height (at least ``minimumMargin``) on every side,
/// touching regions are merged, and the plan's pass runs only in those regions (grown to
/// whole multiples of the detector's input granularity); text rejected there is still read
/// again enlarged (``PlateScanPlan/revisitScale``). A photo with no proposal gets no further
/// pass; when the regions would cover ``maximumCoverage`` of the photo or more, the plan runs
/// over the whole photo. Tiled plans (photos over ~1330 px, wide frames) are never guided.
///
/// ```swift
/// var configuration = PlateDetector.Configuration()
/// configuration.guide = GuidedPlateScan()
/// ```
///
/// Measured on faces-masks-dev and the plate dev sets and variants in docs/DECISIONS.md
/// ("Photos: a guided plate pass").
public struct GuidedPlateScan: Sendable, Hashable {
    /// The guide's scale as a fraction of the plan's needed scale
    /// (``PlateScanPlan/Configuration/neededScale``: the smallest plate's characters at the
    /// detector's reading size). Lower is cheaper and loses plates: at 0.5 (with the guide's
    /// side at least 640 px, or the photo's own) the run lost 1 of the dev set's 222
    /// plates, 2 of the stacked variant's and 3 of stacked-small's; at 0.5 from 320 px, 4–17 %.
    public var scaleFraction: Double = 1
    /// No guide runs when its scale is above this fraction of the plan's finest scale: the
    /// guide and the regions would cost about as much as the plan over the whole photo. At the
    /// defaults, photos up to ~475 px (which the plan enlarges to 640 px) are guided.
    public var maximumScaleRatio: Double = 0.75
    /// How the guide's probability map is cut: low thresholds and no size floor, so that small
    /// and faint text becomes a proposal (a proposal is never a plate by itself).
    public var proposals: DBPostProcessing = {
        var proposals = DBPostProcessing()
        proposals.binarizationThreshold = 0.1
        proposals.minimumScore = 0.15
        proposals.minimumSide = 1
        return proposals
    }()
    /// Each proposal is grown by this many of its heights on every side: a proposal may be a
    /// few characters of a plate, and the detector reads text better with some context.
    public var marginHeights: Double = 2
    /// The smallest margin around a proposal (image pixels).
    public var minimumMargin: Double = 32
    /// Regions covering this fraction of the photo or more: the plan runs over the whole photo.
    public var maximumCoverage: Double = 0.5

    /// The defaults measured on the plate dev sets and faces-masks-dev.
    public init() {}

    /// The scale of the guide for `plan`, or nil when a guide would not
    /// pay (its scale above ``maximumScaleRatio`` of the plan's finest) or the plan is tiled:
    /// large photos and wide frames are read as the plan reads them, since their smallest
    /// plates are a few pixels tall at any guide scale that would pay (the fisheye frames'
    /// plates were lost at half the needed scale).
    public func scale(for plan: PlateScanPlan, needed: Double) -> Double? {
        guard plan.tiles.isEmpty else { return nil }
        let scale = scaleFraction * needed
        return scale <= maximumScaleRatio * plan.finestScale ? scale : nil
    }

    /// The regions (image pixels) to run the plan in around `proposals`: each grown by its
    /// margin, clamped to `bounds`, on whole pixels, merged with any region it touches until
    /// none overlap; nil when they cover ``maximumCoverage`` of `bounds` or more.
    ///
    /// - Complexity: O(*n*²) in the number of proposals at worst (each merge restarts the scan
    ///   of the regions kept so far).
    public func regions(around proposals: [Box], in bounds: Box) -> [Box]? {
        let regions = proposals.map { proposal in
            proposal.expandedToWholePixels(by: max(minimumMargin, proposal.height * marginHeights)).clamped(to: bounds)
        }.filter { !$0.isEmpty }.mergingOverlaps()
        let area = regions.reduce(0) { $0 + $1.area }
        return area >= maximumCoverage * bounds.area ? nil : regions
    }
}
