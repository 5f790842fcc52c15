import VeilGeometry

/// Where the full-size face passes search when they take the frame in turns (issue 16,
/// ``VideoSettings/fullPassBands``): each full pass searches one of `bands` strips across the
/// frame's longer side, in turn, plus the neighbourhoods of live tracks and of the faces found
/// in the last rotation, so every part of the frame still gets a full-size look every `bands`
/// full passes and every followed face gets one on each. Owned by the plan stage.
///
/// Strips, neighbourhoods and merging use ``ChangeMap``'s cell grid and rules (a track's box
/// grown by half its size and one cell, at most ``ChangeMap/Configuration/maximumRectangles``
/// rectangles); more than ``maximumSearchedFraction`` of the frame is searched whole, since a
/// crowd's neighbourhoods cover most of it anyway. The first pass searches the whole frame.
/// The plan stage reads a whole-frame search in at most ``wholeFramePieces`` strips
/// (``wholeInStrips(imageSize:)``).
struct RotatingFullSearch {
    /// A whole-frame full pass is read in at most this many strips, whatever ``bands`` is: each
    /// seam changes which weak faces are found where the strips meet, so with more strips the
    /// whole crowds lost weak faces (`--full-bands 3` read them in three strips: 0.19 points
    /// fewer at ≥ 0.2 on the panning crowd; in two, main's figures to the face). Default 2:
    /// the pieces' size main measured, and no one inference holds the activations of the
    /// whole 1280 px input (docs/DECISIONS.md, "Fewer full-size face strips").
    static let wholeFramePieces = 2
    /// Strips the frame is taken in; 1: every full pass searches the whole frame.
    let bands: Int
    /// Faces found this many frames ago or less are searched again like tracks (a weak face
    /// too faint to start a track flickers in and out on noise).
    let recentFrames: Int
    /// Above this share of the frame the whole frame is searched.
    let maximumSearchedFraction: Double
    let configuration: ChangeMap.Configuration
    /// Whether a full pass that searches the whole frame reads it in strips
    /// (``wholeInStrips(imageSize:)``) rather than in one inference.
    let readsWholeFrameInStrips: Bool
    private var passes = 0
    private var recent: [(box: Box, frameIndex: Int)] = []

    /// A rotation over `bands` strips whose full passes come every `fullStride` frames.
    init(
        bands: Int, fullStride: Int, maximumSearchedFraction: Double = 0.8, readsWholeFrameInStrips: Bool = true,
        configuration: ChangeMap.Configuration = .init()
    ) {
        self.bands = max(1, bands)
        self.readsWholeFrameInStrips = readsWholeFrameInStrips
        recentFrames = self.bands * max(1, fullStride)
        self.maximumSearchedFraction = maximumSearchedFraction
        self.configuration = configuration
    }

    /// Whether full passes search less than the whole frame.
    var isEnabled: Bool { bands > 1 }

    /// The area the next full pass searches on frame `frameIndex` of an image of `imageSize`
    /// (the shrunk copy), with live tracks at `tracks` (boxes in that image's pixels); `scale`
    /// maps frame pixels (where ``record(_:frameIndex:)`` keeps faces) to that image's.
    /// Advances the rotation.
    mutating func area(frameIndex: Int, imageSize: PixelSize, tracks: [Box], scale: Double) -> ChangeMap.SearchArea {
        defer { passes += 1 }
        guard isEnabled, passes > 0 else { return .everything }
        let grid = ChangeMap.CellGrid(
            imageSize: imageSize, thumbnailColumns: configuration.thumbnailColumns,
            cellSamples: configuration.cellSamples)
        var marked = [Bool](repeating: false, count: grid.columns * grid.rows)
        let band = Self.band(passes % bands, of: bands, columns: grid.columns, rows: grid.rows)
        let padded = CellPadding(grid: grid, padding: configuration.paddingCells)
        padded.mark(band, in: &marked)
        recent.removeAll { frameIndex - $0.frameIndex > recentFrames }
        let faces = tracks + recent.map { $0.box.scaled(x: scale, y: scale) }
        for face in faces {
            guard
                let cells = grid.cells(
                    covering: face.expanded(byFraction: configuration.trackMarginFraction),
                    padding: configuration.paddingCells)
            else { continue }
            padded.mark(cells, in: &marked, growing: false)
        }
        let rectangles = ChangeMap(configuration: configuration).merged(grid.components(of: marked))
        let area = rectangles.reduce(0) { $0 + $1.area }
        guard Double(area) <= maximumSearchedFraction * Double(grid.columns * grid.rows) else { return .everything }
        return .rectangles(rectangles.map { grid.pixelBox(of: $0) })
    }

    /// The whole frame as `min(bands, wholeFramePieces)` strips, each grown by the padding
    /// cells (so neighbours overlap by twice that), in the pixels of an image of `imageSize`:
    /// a whole-frame full pass read in pieces, so no one inference holds the network's
    /// activations for the whole input.
    func wholeInStrips(imageSize: PixelSize) -> [Box] {
        let grid = ChangeMap.CellGrid(
            imageSize: imageSize, thumbnailColumns: configuration.thumbnailColumns,
            cellSamples: configuration.cellSamples)
        let padded = CellPadding(grid: grid, padding: configuration.paddingCells)
        let pieces = min(bands, Self.wholeFramePieces)
        return (0..<pieces).map { index in
            let band = Self.band(index, of: pieces, columns: grid.columns, rows: grid.rows)
            return grid.pixelBox(of: padded.grown(band, by: padded.padding))
        }
    }

    /// Faces a face pass found on frame `frameIndex` (frame pixels, any score).
    mutating func record(_ faces: [Box], frameIndex: Int) {
        guard isEnabled else { return }
        recent += faces.map { ($0, frameIndex) }
    }

    /// Strip `index` of `count` across the longer side of a grid of `columns` × `rows` cells.
    static func band(_ index: Int, of count: Int, columns: Int, rows: Int) -> ChangeMap.CellRect {
        let alongColumns = columns >= rows
        let length = alongColumns ? columns : rows
        let start = index * length / count
        let end = (index + 1) * length / count
        return alongColumns
            ? ChangeMap.CellRect(minColumn: start, minRow: 0, maxColumn: end, maxRow: rows)
            : ChangeMap.CellRect(minColumn: 0, minRow: start, maxColumn: columns, maxRow: end)
    }

    /// Marks cell rectangles, grown by a padding and clipped to the grid.
    private struct CellPadding {
        let grid: ChangeMap.CellGrid
        let padding: Int

        /// `cells` grown by `grow` cells on every side, clipped to the grid.
        func grown(_ cells: ChangeMap.CellRect, by grow: Int) -> ChangeMap.CellRect {
            ChangeMap.CellRect(
                minColumn: max(0, cells.minColumn - grow), minRow: max(0, cells.minRow - grow),
                maxColumn: min(grid.columns, cells.maxColumn + grow), maxRow: min(grid.rows, cells.maxRow + grow))
        }

        func mark(_ cells: ChangeMap.CellRect, in marked: inout [Bool], growing: Bool = true) {
            let area = grown(cells, by: growing ? padding : 0)
            for row in area.minRow..<max(area.minRow, area.maxRow) {
                for column in area.minColumn..<max(area.minColumn, area.maxColumn) {
                    marked[row * grid.columns + column] = true
                }
            }
        }
    }
}
