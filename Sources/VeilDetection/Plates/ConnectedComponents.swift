import VeilGeometry

/// One 8-connected region of set pixels in a binary map.
struct ConnectedComponent: Sendable {
    var pixelCount: Int
    /// For each row the region touches, its leftmost and rightmost pixel (as pixel-index
    /// points): enough to give the region's convex hull.
    var rowExtremes: [Point]
    /// The region's bounding box in pixel indices (inclusive).
    var minX: Int, minY: Int, maxX: Int, maxY: Int

    var width: Int { maxX - minX + 1 }
    var height: Int { maxY - minY + 1 }
}

/// Connected-component labelling of a binary map, 8-connected (as OpenCV's contours see it).
enum ConnectedComponents {
    /// Every region of set pixels, in scan order of their first pixel.
    ///
    /// - Complexity: O(*w* · *h*).
    static func label(_ isSet: [Bool], width: Int, height: Int) -> [ConnectedComponent] {
        precondition(isSet.count == width * height, "map size does not match")
        var isVisited = [Bool](repeating: false, count: isSet.count)
        var stack: [Int] = []
        var components: [ConnectedComponent] = []
        for start in isSet.indices where isSet[start] && !isVisited[start] {
            isVisited[start] = true
            stack.append(start)
            var rows: [Int: (left: Int, right: Int)] = [:]
            var component = ConnectedComponent(
                pixelCount: 0,
                rowExtremes: [],
                minX: Int.max,
                minY: Int.max,
                maxX: Int.min,
                maxY: Int.min
            )
            while let index = stack.popLast() {
                let x = index % width
                let y = index / width
                component.pixelCount += 1
                component.minX = min(component.minX, x)
                component.maxX = max(component.maxX, x)
                component.minY = min(component.minY, y)
                component.maxY = max(component.maxY, y)
                let row = rows[y] ?? (x, x)
                rows[y] = (min(row.left, x), max(row.right, x))
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0, ny < height else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0, nx < width else { continue }
                        let neighbour = ny * width + nx
                        if isSet[neighbour] && !isVisited[neighbour] {
                            isVisited[neighbour] = true
                            stack.append(neighbour)
                        }
                    }
                }
            }
            component.rowExtremes = rows.sorted { $0.key < $1.key }.flatMap { y, row in
                [Point(x: Double(row.left), y: Double(y)), Point(x: Double(row.right), y: Double(y))]
            }
            components.append(component)
        }
        return components
    }
}
