import VeilGeometry

extension Box {
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
