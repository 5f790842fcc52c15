import VeilGeometry

/// Integer pixel rectangle inside an image: every pixel a box touches.
struct PixelRect: Hashable, Sendable {
    var x: Int
    var y: Int
    var size: PixelSize

    /// The pixels `box` touches (outward rounding, so partly covered pixels are included),
    /// clipped to the image; nil when nothing is left.
    init?(covering box: Box, in imageSize: PixelSize) {
        let x0 = max(0, Int(box.minX.rounded(.down)))
        let y0 = max(0, Int(box.minY.rounded(.down)))
        let x1 = min(imageSize.width, Int(box.maxX.rounded(.up)))
        let y1 = min(imageSize.height, Int(box.maxY.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return nil }
        x = x0
        y = y0
        size = PixelSize(width: x1 - x0, height: y1 - y0)
    }

    init(x: Int, y: Int, size: PixelSize) {
        self.x = x
        self.y = y
        self.size = size
    }

    var box: Box { Box(x: Double(x), y: Double(y), width: Double(size.width), height: Double(size.height)) }
}

extension MaskRegion {
    /// The pixel columns of row `y` that the shape touches, within `rect`; nil if none.
    ///
    /// For an ellipse, a pixel is included when any part of it lies inside: the row's
    /// half-width is taken at the row edge nearest the centre, and column edges round outwards.
    func span(ofPixelRow y: Int, clippedTo rect: PixelRect) -> Range<Int>? {
        let lower = rect.x
        let upper = rect.x + rect.size.width
        switch shape {
        case .box:
            return lower..<upper
        case .polygon:
            // Every pixel the polygon touches on this row: crossings at the row's top, middle
            // and bottom, rounded outwards (a concave row is masked from its first to its last
            // crossing: more, never less).
            let crossings = [Double(y), Double(y) + 0.5, Double(y + 1) - 1e-9].flatMap { polygonCrossings(atY: $0) }
            guard let first = crossings.min(), let last = crossings.max() else { return nil }
            let start = max(lower, Int(first.rounded(.down)))
            let end = min(upper, Int(last.rounded(.up)) + 1)
            return start < end ? start..<end : nil
        case .ellipse:
            let radiusX = box.width / 2
            let radiusY = box.height / 2
            guard radiusX > 0, radiusY > 0 else { return nil }
            let center = box.center
            let top = Double(y)
            let bottom = Double(y + 1)
            let nearest = min(max(center.y, top), bottom)
            let dy = (nearest - center.y) / radiusY
            guard dy * dy <= 1 else { return nil }
            let halfWidth = radiusX * (1 - dy * dy).squareRoot()
            let start = max(lower, Int((center.x - halfWidth).rounded(.down)))
            let end = min(upper, Int((center.x + halfWidth).rounded(.up)))
            return start < end ? start..<end : nil
        }
    }
}
