import VeilGeometry

extension Box {
    /// The box a fraction `t` of the way from `self` to `other`, corner by corner: 0 gives
    /// `self`, 1 gives `other`, values outside 0…1 extrapolate (sizes never below zero).
    func interpolated(to other: Box, fraction t: Double) -> Box {
        let width = max(0, self.width + (other.width - self.width) * t)
        let height = max(0, self.height + (other.height - self.height) * t)
        let center = Point(
            x: self.center.x + (other.center.x - self.center.x) * t,
            y: self.center.y + (other.center.y - self.center.y) * t
        )
        return Box(center: center, width: width, height: height)
    }

    /// The mean of boxes, by centre and size; nil for none.
    static func mean(of boxes: [Box]) -> Box? {
        guard !boxes.isEmpty else { return nil }
        let count = Double(boxes.count)
        let centerX = boxes.reduce(0) { $0 + $1.center.x } / count
        let centerY = boxes.reduce(0) { $0 + $1.center.y } / count
        let width = boxes.reduce(0) { $0 + $1.width } / count
        let height = boxes.reduce(0) { $0 + $1.height } / count
        return Box(center: Point(x: centerX, y: centerY), width: width, height: height)
    }
}
