import VeilGeometry

/// Which parts of a frame changed since a detector last searched them, as a few rectangles to
/// search (issue 16: change-driven detection).
///
/// The frame is cut into cells of ``Configuration/cellSamples`` × `cellSamples` thumbnail
/// samples (32 × 32 pixels of a 1280-wide copy, 48 × 48 of a 1080p frame). Each cell keeps the
/// thumbnail samples of the last pass that searched it; a cell has changed when one of its
/// samples moved by more than ``Configuration/sampleThreshold`` luma levels beyond the frame's
/// overall brightness change (the median of the cells' mean differences, so flicker and
/// exposure drift are not change). Sensor noise, averaged over four pixels per sample, stays
/// far below the threshold. The area to search is the changed cells and the neighbourhoods of
/// live tracks, each grown by ``Configuration/paddingCells`` so a face on the edge of a changed
/// cell is wholly inside, merged into at most ``Configuration/maximumRectangles`` rectangles;
/// when that is more than ``Configuration/maximumSearchedFraction`` of the frame (a panning
/// camera), the whole frame.
///
/// A value type owned by the plan stage: one per detection pass kind (faces full, faces
/// coarse, …), since each pass sees different sizes.
struct ChangeMap: Sendable {
    /// Thresholds and sizes; each trades detector work against how much change is needed
    /// before a region is searched again.
    struct Configuration: Sendable, Hashable {
        /// Thumbnail samples across the frame. Default 320: a sample is 4 × 4 pixels of a
        /// 1280-wide copy.
        var thumbnailColumns = 320
        /// Thumbnail samples per cell side. Default 8 (32 pixels of a 1280-wide copy). Smaller
        /// cells fit changed areas more tightly but make more, smaller rectangles.
        var cellSamples = 8
        /// Luma levels (0–255) a sample must move, beyond the frame's overall brightness
        /// change, for its cell to count as changed. Default 10: the bench clip's temporal
        /// noise moves a sample by about 1–2 levels, a face entering a cell by tens. Raising
        /// it searches less but a low-contrast face could enter unnoticed until the next full
        /// search.
        var sampleThreshold: Float = 10
        /// Cells added around each changed cell and each track's neighbourhood. Default 1.
        var paddingCells = 1
        /// A live track is searched for in its box grown by this fraction of its width and
        /// height on every side (it moves between passes). Default 0.5.
        var trackMarginFraction = 0.5
        /// At most this many rectangles per frame; more are merged (each is one detector run,
        /// with its own fixed cost). Default 4.
        var maximumRectangles = 4
        /// Above this share of the frame the whole frame is searched instead (one run costs
        /// less than several crops covering most of it). Default 0.6.
        var maximumSearchedFraction = 0.6

        /// The defaults.
        init() {}
    }

    /// What to search on one frame.
    enum SearchArea: Sendable, Hashable {
        /// The whole frame.
        case everything
        /// These rectangles (image pixels, cell-aligned, disjoint); none: nothing changed and
        /// nothing is tracked.
        case rectangles([Box])

        /// The share of a frame of `size` this covers.
        func fraction(of size: PixelSize) -> Double {
            switch self {
            case .everything: 1
            case .rectangles(let boxes):
                boxes.reduce(0) { $0 + $1.area } / max(1, Double(size.width * size.height))
            }
        }
    }

    /// Thresholds and sizes.
    let configuration: Configuration
    /// Each sample as the last pass that searched its cell saw it; nil before the first pass.
    private(set) var reference: LumaThumbnail?
    private var referenceSamples: [Float] = []

    /// An empty map: its first frame is searched everywhere.
    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A cell rectangle, half-open in cell units.
    struct CellRect: Hashable {
        var minColumn: Int
        var minRow: Int
        var maxColumn: Int
        var maxRow: Int

        var area: Int { (maxColumn - minColumn) * (maxRow - minRow) }

        func union(_ other: CellRect) -> CellRect {
            CellRect(
                minColumn: min(minColumn, other.minColumn), minRow: min(minRow, other.minRow),
                maxColumn: max(maxColumn, other.maxColumn), maxRow: max(maxRow, other.maxRow))
        }

        func intersects(_ other: CellRect) -> Bool {
            minColumn < other.maxColumn && other.minColumn < maxColumn && minRow < other.maxRow
                && other.minRow < maxRow
        }
    }

    /// The area to search on a frame whose thumbnail is `thumbnail`, with live tracks at
    /// `tracks` (boxes in the thumbnail's image pixels).
    ///
    /// - Complexity: O(*s* + *c* log *c* + *r*³) for *s* samples, *c* cells and *r* rectangles
    ///   before merging.
    func searchArea(for thumbnail: LumaThumbnail, tracks: [Box]) -> SearchArea {
        guard let reference, reference.isComparable(to: thumbnail), thumbnail.samples.count == referenceSamples.count
        else { return .everything }
        let grid = CellGrid(thumbnail: thumbnail, cellSamples: configuration.cellSamples)
        var marked = changedCells(thumbnail, grid: grid)
        marked = grid.dilated(marked, by: configuration.paddingCells)
        for track in tracks {
            let grown = track.expanded(byFraction: configuration.trackMarginFraction)
            guard let cells = grid.cells(covering: grown, padding: configuration.paddingCells) else { continue }
            for row in cells.minRow..<cells.maxRow {
                for column in cells.minColumn..<cells.maxColumn { marked[row * grid.columns + column] = true }
            }
        }
        let rectangles = merged(grid.components(of: marked))
        let area = rectangles.reduce(0) { $0 + $1.area }
        guard Double(area) <= configuration.maximumSearchedFraction * Double(grid.columns * grid.rows) else {
            return .everything
        }
        return .rectangles(rectangles.map { grid.pixelBox(of: $0) })
    }

    /// Records that `area` of the frame with `thumbnail` was searched: its cells' reference
    /// samples become this frame's. Call only after the search succeeded.
    mutating func recordSearch(of area: SearchArea, in thumbnail: LumaThumbnail) {
        guard case .rectangles(let boxes) = area, let reference, reference.isComparable(to: thumbnail),
            referenceSamples.count == thumbnail.samples.count
        else {
            reference = thumbnail
            referenceSamples = thumbnail.samples
            return
        }
        let size = thumbnail.imageSize
        for box in boxes {
            let minColumn = max(0, Int((box.minX * Double(thumbnail.columns) / Double(size.width)).rounded()))
            let maxColumn = min(
                thumbnail.columns, Int((box.maxX * Double(thumbnail.columns) / Double(size.width)).rounded()))
            let minRow = max(0, Int((box.minY * Double(thumbnail.rows) / Double(size.height)).rounded()))
            let maxRow = min(thumbnail.rows, Int((box.maxY * Double(thumbnail.rows) / Double(size.height)).rounded()))
            guard minColumn < maxColumn, minRow < maxRow else { continue }
            for row in minRow..<maxRow {
                let start = row * thumbnail.columns
                for column in minColumn..<maxColumn {
                    referenceSamples[start + column] = thumbnail.samples[start + column]
                }
            }
        }
    }

    /// Cells with a sample that moved by more than the threshold beyond the frame's overall
    /// brightness change.
    private func changedCells(_ thumbnail: LumaThumbnail, grid: CellGrid) -> [Bool] {
        let samples = thumbnail.samples
        let columns = thumbnail.columns
        // Overall brightness change: the median of the cells' mean differences.
        var means = [Float](repeating: 0, count: grid.columns * grid.rows)
        var counts = [Int](repeating: 0, count: means.count)
        for row in 0..<thumbnail.rows {
            for column in 0..<columns {
                let index = row * columns + column
                let cell = grid.cellIndex(sampleColumn: column, sampleRow: row)
                means[cell] += samples[index] - referenceSamples[index]
                counts[cell] += 1
            }
        }
        for cell in means.indices { means[cell] /= Float(max(1, counts[cell])) }
        let offset = means.sorted()[means.count / 2]
        var changed = [Bool](repeating: false, count: means.count)
        for row in 0..<thumbnail.rows {
            for column in 0..<columns {
                let index = row * columns + column
                if abs(samples[index] - referenceSamples[index] - offset) > configuration.sampleThreshold {
                    changed[grid.cellIndex(sampleColumn: column, sampleRow: row)] = true
                }
            }
        }
        return changed
    }

    /// Rectangles merged until none overlap and at most ``Configuration/maximumRectangles``
    /// remain (the pair whose union adds the least area first).
    func merged(_ rectangles: [CellRect]) -> [CellRect] {
        var rectangles = rectangles
        var isMerging = true
        while isMerging {
            isMerging = false
            search: for first in rectangles.indices {
                for second in rectangles.indices
                where second > first && rectangles[first].intersects(rectangles[second]) {
                    rectangles[first] = rectangles[first].union(rectangles[second])
                    rectangles.remove(at: second)
                    isMerging = true
                    break search
                }
            }
        }
        while rectangles.count > max(1, configuration.maximumRectangles) {
            var best: (first: Int, second: Int, added: Int)?
            for first in rectangles.indices {
                for second in rectangles.indices where second > first {
                    let union = rectangles[first].union(rectangles[second])
                    let added = union.area - rectangles[first].area - rectangles[second].area
                    if added < best?.added ?? .max { best = (first, second, added) }
                }
            }
            guard let best else { break }
            rectangles[best.first] = rectangles[best.first].union(rectangles[best.second])
            rectangles.remove(at: best.second)
            // A union may now overlap a third rectangle.
            rectangles = merged(rectangles)
        }
        return rectangles
    }
}
