import VeilGeometry

/// Integer pixel rectangle inside an image: every pixel a box touches.
struct PixelRect: Hashable, Sendable {
    var x: Int
    var y: Int
    var size: PixelSize

    /// The pixels `box` touches (outward rounding, so partly covered pixels are included),
    /// clipped to the image; nil when nothing is left.
    /// Edges are clipped before they become integers, so no box, however large or not finite,
    /// can trap the conversion (a fuzzed tracks file once did, with a 9.2 × 10¹⁹ px height).
    init?(covering box: Box, in imageSize: PixelSize) {
        let x0 = Self.edge(box.minX.rounded(.down), within: imageSize.width)
        let y0 = Self.edge(box.minY.rounded(.down), within: imageSize.height)
        let x1 = Self.edge(box.maxX.rounded(.up), within: imageSize.width)
        let y1 = Self.edge(box.maxY.rounded(.up), within: imageSize.height)
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

    /// `value` clipped to 0…`limit` as an integer; +∞ is `limit`, −∞ and NaN are 0.
    private static func edge(_ value: Double, within limit: Int) -> Int {
        guard value.isFinite else { return value > 0 ? limit : 0 }
        return Int(min(max(value, 0), Double(limit)))
    }
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

extension MaskRegion {
    /// This region with its box's edges held within ±``Box/maximumCoordinate`` (what files may
    /// hold; detections stay far inside), so that the cell and block sizes derived from the box
    /// convert to integers; regions within that range are unchanged. A box with an edge that is
    /// not a number (NaN, or ∞ − ∞) says nothing of where the object is: it becomes the whole
    /// picture (fail closed).
    func bounded(within pictureSize: PixelSize) -> MaskRegion {
        let box = self.box
        let limit = Box.maximumCoordinate
        let edges = [box.minX, box.minY, box.maxX, box.maxY]
        guard !edges.contains(where: \.isNaN) else {
            var whole = self
            whole.box = Box(x: 0, y: 0, width: Double(pictureSize.width), height: Double(pictureSize.height))
            whole.shape = .box
            whole.polygon = nil
            return whole
        }
        guard edges.contains(where: { abs($0) > limit }) else { return self }
        func held(_ value: Double) -> Double { min(max(value, -limit), limit) }
        var bounded = self
        bounded.box = Box(minX: held(box.minX), minY: held(box.minY), maxX: held(box.maxX), maxY: held(box.maxY))
        return bounded
    }
}
