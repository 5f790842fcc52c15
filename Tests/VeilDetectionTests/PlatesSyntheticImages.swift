import VeilGeometry
import VeilMedia

/// Pixel-drawn test pictures for the plate tests: no files, no dataset.
enum PlatesSyntheticImages {
    /// 5 × 7 bitmaps of the characters the test plates use ("#" = ink).
    static let glyphs: [Character: [String]] = [
        "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        "B": ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
        "C": [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
        "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        "3": ["####.", "....#", "....#", ".###.", "....#", "....#", "####."],
        "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        "-": [".....", ".....", ".....", ".###.", ".....", ".....", "....."],
    ]

    /// A mid-grey "car body" with one plate: white, a dark border, dark characters.
    ///
    /// - Returns: the image, the plate's box and the box of its characters.
    static func carWithPlate(
        imageSize: PixelSize = PixelSize(width: 640, height: 480),
        text: String = "AB-1234",
        origin: (x: Int, y: Int) = (220, 300),
        moduleSize: Int = 5
    ) -> (image: Image, plate: Box, characters: Box) {
        var image = Image(size: imageSize, blue: 95, green: 90, red: 85)
        let characterWidth = 5 * moduleSize
        let gap = 2 * moduleSize
        let textWidth = text.count * (characterWidth + gap) - gap
        let textHeight = 7 * moduleSize
        let padding = (x: 3 * moduleSize, y: 2 * moduleSize)
        let plate = Box(
            x: Double(origin.x),
            y: Double(origin.y),
            width: Double(textWidth + 2 * padding.x),
            height: Double(textHeight + 2 * padding.y)
        )
        fill(&image, plate, gray: 20)
        fill(&image, plate.expanded(byFraction: 0).insetBy(2), gray: 240)
        let characters = Box(
            x: plate.x + Double(padding.x),
            y: plate.y + Double(padding.y),
            width: Double(textWidth),
            height: Double(textHeight)
        )
        for (index, character) in text.enumerated() {
            let rows = glyphs[character] ?? []
            let left = Int(characters.x) + index * (characterWidth + gap)
            for (row, line) in rows.enumerated() {
                for (column, ink) in line.enumerated() where ink == "#" {
                    let cell = Box(
                        x: Double(left + column * moduleSize),
                        y: characters.y + Double(row * moduleSize),
                        width: Double(moduleSize),
                        height: Double(moduleSize)
                    )
                    fill(&image, cell, gray: 25)
                }
            }
        }
        return (image, plate, characters)
    }

    static func fill(_ image: inout Image, _ box: Box, gray: UInt8) {
        for y in Int(box.minY)..<Int(box.maxY) {
            for x in Int(box.minX)..<Int(box.maxX) {
                let index = image.offset(x: x, y: y)
                image.pixels[index] = gray
                image.pixels[index + 1] = gray
                image.pixels[index + 2] = gray
            }
        }
    }
}

extension Box {
    func insetBy(_ pixels: Double) -> Box {
        Box(x: x + pixels, y: y + pixels, width: width - 2 * pixels, height: height - 2 * pixels)
    }
}
