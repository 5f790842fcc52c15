import VeilGeometry

extension ChangeMap {
    /// The cells of a thumbnail: `cellSamples` × `cellSamples` samples each (the last row and
    /// column may be smaller), and their places in the image.
    struct CellGrid {
        /// Cells across.
        let columns: Int
        /// Cells down.
        let rows: Int
        let cellSamples: Int
        let thumbnailColumns: Int
        let thumbnailRows: Int
        let imageSize: PixelSize

        init(thumbnail: LumaThumbnail, cellSamples: Int) {
            let cellSamples = max(1, cellSamples)
            self.cellSamples = cellSamples
            columns = (thumbnail.columns + cellSamples - 1) / cellSamples
            rows = (thumbnail.rows + cellSamples - 1) / cellSamples
            thumbnailColumns = thumbnail.columns
            thumbnailRows = thumbnail.rows
            imageSize = thumbnail.imageSize
        }

        /// The grid of a thumbnail `thumbnailColumns` samples across (rows in the image's aspect
        /// ratio, as ``LumaThumbnail`` makes them) of an image of `imageSize`, without making it.
        init(imageSize: PixelSize, thumbnailColumns: Int, cellSamples: Int) {
            let width = max(1, imageSize.width)
            let height = max(1, imageSize.height)
            let sampleColumns = max(1, min(thumbnailColumns, width))
            let sampleRows = max(
                1, min(height, Int((Double(sampleColumns) * Double(height) / Double(width)).rounded())))
            let cellSamples = max(1, cellSamples)
            self.cellSamples = cellSamples
            columns = (sampleColumns + cellSamples - 1) / cellSamples
            rows = (sampleRows + cellSamples - 1) / cellSamples
            self.thumbnailColumns = sampleColumns
            thumbnailRows = sampleRows
            self.imageSize = imageSize
        }

        func cellIndex(sampleColumn: Int, sampleRow: Int) -> Int {
            (sampleRow / cellSamples) * columns + sampleColumn / cellSamples
        }

        /// The cells a box (image pixels) touches, grown by `padding` cells; nil when it lies
        /// outside the image.
        func cells(covering box: Box, padding: Int) -> CellRect? {
            let cellWidth = Double(imageSize.width) * Double(cellSamples) / Double(thumbnailColumns)
            let cellHeight = Double(imageSize.height) * Double(cellSamples) / Double(thumbnailRows)
            let minColumn = max(0, Int((box.minX / cellWidth).rounded(.down)) - padding)
            let maxColumn = min(columns, Int((box.maxX / cellWidth).rounded(.up)) + padding)
            let minRow = max(0, Int((box.minY / cellHeight).rounded(.down)) - padding)
            let maxRow = min(rows, Int((box.maxY / cellHeight).rounded(.up)) + padding)
            guard minColumn < maxColumn, minRow < maxRow else { return nil }
            return CellRect(minColumn: minColumn, minRow: minRow, maxColumn: maxColumn, maxRow: maxRow)
        }

        /// `marked` with every cell within `distance` cells (a square) of a marked one marked.
        func dilated(_ marked: [Bool], by distance: Int) -> [Bool] {
            guard distance > 0 else { return marked }
            var result = marked
            for row in 0..<rows {
                for column in 0..<columns where marked[row * columns + column] {
                    for y in max(0, row - distance)...min(rows - 1, row + distance) {
                        for x in max(0, column - distance)...min(columns - 1, column + distance) {
                            result[y * columns + x] = true
                        }
                    }
                }
            }
            return result
        }

        /// The bounding rectangles of the 8-connected groups of marked cells.
        func components(of marked: [Bool]) -> [CellRect] {
            var seen = [Bool](repeating: false, count: marked.count)
            var rectangles: [CellRect] = []
            for start in marked.indices where marked[start] && !seen[start] {
                var rectangle = CellRect(
                    minColumn: start % columns, minRow: start / columns, maxColumn: start % columns + 1,
                    maxRow: start / columns + 1)
                var stack = [start]
                seen[start] = true
                while let cell = stack.popLast() {
                    let row = cell / columns
                    let column = cell % columns
                    rectangle = rectangle.union(
                        CellRect(minColumn: column, minRow: row, maxColumn: column + 1, maxRow: row + 1))
                    for y in max(0, row - 1)...min(rows - 1, row + 1) {
                        for x in max(0, column - 1)...min(columns - 1, column + 1) {
                            let next = y * columns + x
                            if marked[next] && !seen[next] {
                                seen[next] = true
                                stack.append(next)
                            }
                        }
                    }
                }
                rectangles.append(rectangle)
            }
            return rectangles
        }

        /// A cell rectangle in image pixels (whole pixels, within the image).
        func pixelBox(of cells: CellRect) -> Box {
            func x(_ column: Int) -> Double {
                Double(min(thumbnailColumns, column * cellSamples) * imageSize.width / thumbnailColumns)
            }
            func y(_ row: Int) -> Double {
                Double(min(thumbnailRows, row * cellSamples) * imageSize.height / thumbnailRows)
            }
            return Box(minX: x(cells.minColumn), minY: y(cells.minRow), maxX: x(cells.maxColumn), maxY: y(cells.maxRow))
        }
    }
}
