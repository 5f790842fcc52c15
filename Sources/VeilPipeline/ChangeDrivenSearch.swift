import VeilDetection
import VeilGeometry
import VeilMedia

/// Runs the video detection passes only where a frame changed since the pass last looked there
/// and around live tracks (issue 16), with a full search at least every
/// ``VideoSettings/fullSearchIntervalSeconds``. Owned by the plan stage.
///
/// A region is searched on a crop of the shrunk copy by the same network at the same scale as
/// a whole-frame pass (``ObjectDetector/coarsened(toSide:)`` with the crop's share of the
/// side), so faces are seen at the same pixel size. Fail closed: whatever cannot be searched by
/// crops (a detector without a coarsened form, a map that cannot compare) is searched whole,
/// never skipped.
struct ChangeDrivenSearch {
    /// Which pass a map belongs to: the detector entry's index and whether the pass is coarse.
    struct PassKey: Hashable {
        var detector: Int
        var isCoarse: Bool
    }

    /// Whether searching is limited to changed regions; false: every pass searches everything.
    let isEnabled: Bool
    /// A pass searches everything when the next one would come more than this many frames
    /// after its last full search.
    let fullSearchIntervalFrames: Int
    let configuration: ChangeMap.Configuration
    private var maps: [PassKey: ChangeMap] = [:]
    private var lastFullSearch: [PassKey: Int] = [:]
    private var lastPass: [PassKey: Int] = [:]
    /// Each pass's detections of the last ``fullSearchIntervalFrames`` (any score the detector
    /// reports, with the frame it was last seen on), searched again like tracks: a weak face
    /// too faint to start a track flickers in and out on noise, and is still looked for.
    private var recentDetections: [PassKey: [(box: Box, frameIndex: Int)]] = [:]
    private var thumbnail: (frameIndex: Int, thumbnail: LumaThumbnail)?
    /// Image area searched, summed over passes.
    private(set) var searchedArea: Double = 0
    /// Image area of every pass's frame, summed.
    private(set) var passArea: Double = 0

    /// A search; `isEnabled` false searches everything.
    init(isEnabled: Bool, fullSearchIntervalFrames: Int, configuration: ChangeMap.Configuration = .init()) {
        self.isEnabled = isEnabled
        self.fullSearchIntervalFrames = max(1, fullSearchIntervalFrames)
        self.configuration = configuration
    }

    /// The share of the frames' area the passes searched (1: everything, every time).
    var searchedAreaFraction: Double { passArea > 0 ? searchedArea / passArea : 1 }

    /// The area `pass` will search on frame `frameIndex` of `image` (the shrunk copy), with live
    /// tracks at `tracks` (boxes in `image`'s pixels).
    mutating func area(for pass: PassKey, frameIndex: Int, image: Image, tracks: [Box]) -> ChangeMap.SearchArea {
        guard isEnabled else { return .everything }
        let gap = lastPass[pass].map { frameIndex - $0 } ?? 0
        if let last = lastFullSearch[pass], frameIndex + gap - last <= fullSearchIntervalFrames {
            let recent = (recentDetections[pass] ?? []).map(\.box)
            return (maps[pass] ?? ChangeMap(configuration: configuration))
                .searchArea(for: thumbnail(of: image, frameIndex: frameIndex), tracks: tracks + recent)
        }
        return .everything
    }

    /// Detections of `detector` in `area` of `image` (boxes in `image`'s pixels), recorded as
    /// searched once the detector succeeded.
    mutating func detect(
        with detector: any ObjectDetector, pass: PassKey, frameIndex: Int, image: Image, area: ChangeMap.SearchArea
    ) throws(DetectionError) -> [Detection] {
        var area = area
        var detections: [Detection] = []
        if case .rectangles(let boxes) = area, let crops = Self.cropDetectors(detector, for: boxes, in: image.size) {
            for (box, cropDetector) in zip(boxes, crops) {
                detections += try cropDetector.detect(in: image.cropped(to: box)).map {
                    $0.mapped(scaleX: 1, scaleY: 1, dx: box.minX, dy: box.minY)
                }
            }
        } else {
            area = .everything
            detections = try detector.detect(in: image)
        }
        record(detections, pass: pass, frameIndex: frameIndex, image: image, area: area)
        return detections
    }

    /// Records a pass that searched `area` of `image` and found `detections`.
    private mutating func record(
        _ detections: [Detection], pass: PassKey, frameIndex: Int, image: Image, area: ChangeMap.SearchArea
    ) {
        lastPass[pass] = frameIndex
        searchedArea += area.fraction(of: image.size) * Double(image.width * image.height)
        passArea += Double(image.width * image.height)
        guard isEnabled else { return }
        if area == .everything { lastFullSearch[pass] = frameIndex }
        recentDetections[pass] =
            (recentDetections[pass] ?? []).filter { frameIndex - $0.frameIndex <= fullSearchIntervalFrames }
            + detections.map { ($0.box, frameIndex) }
        var map = maps[pass] ?? ChangeMap(configuration: configuration)
        map.recordSearch(of: area, in: thumbnail(of: image, frameIndex: frameIndex))
        maps[pass] = map
    }

    /// The detections of a whole-frame pass read as overlapping `pieces` of `image` (image
    /// pixels), each by the same network at the whole pass's scale, merged where a piece's edge
    /// cut an object another piece saw (``VeilGeometry/Swift/Array/mergingAcrossPieces(iouThreshold:)``).
    /// Counted as a whole-frame search. Fail closed: a detector that cannot read crops at that
    /// scale reads the whole image.
    mutating func detectInPieces(
        with detector: any ObjectDetector, pass: PassKey, frameIndex: Int, image: Image, pieces: [Box]
    ) throws(DetectionError) -> [Detection] {
        guard let crops = Self.cropDetectors(detector, for: pieces, in: image.size) else {
            return try detect(with: detector, pass: pass, frameIndex: frameIndex, image: image, area: .everything)
        }
        var found: [[Detection]] = []
        for (box, cropDetector) in zip(pieces, crops) {
            found.append(
                try cropDetector.detect(in: image.cropped(to: box)).map {
                    $0.mapped(scaleX: 1, scaleY: 1, dx: box.minX, dy: box.minY)
                })
        }
        let detections = found.mergingAcrossPieces()
        record(detections, pass: pass, frameIndex: frameIndex, image: image, area: .everything)
        return detections
    }

    /// One detector per crop that sees it at the scale `detector` sees the whole image; nil
    /// when `detector` cannot be run on crops that way.
    static func cropDetectors(_ detector: any ObjectDetector, for boxes: [Box], in size: PixelSize)
        -> [any ObjectDetector]?
    {
        let longest = max(size.width, size.height)
        guard let working = detector.workingSide, working <= longest else { return nil }
        var crops: [any ObjectDetector] = []
        for box in boxes {
            let side = Int((max(box.width, box.height) * Double(working) / Double(longest)).rounded())
            guard side >= 1, side < working, let crop = detector.coarsened(toSide: side) else { return nil }
            crops.append(crop)
        }
        return crops
    }

    /// The thumbnail of the frame, made once per frame whatever the number of passes.
    private mutating func thumbnail(of image: Image, frameIndex: Int) -> LumaThumbnail {
        if let thumbnail, thumbnail.frameIndex == frameIndex, thumbnail.thumbnail.imageSize == image.size {
            return thumbnail.thumbnail
        }
        let made = LumaThumbnail(of: image, columns: configuration.thumbnailColumns)
        thumbnail = (frameIndex, made)
        return made
    }
}
