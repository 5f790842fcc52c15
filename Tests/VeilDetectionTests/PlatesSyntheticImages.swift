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
        "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
        ":": [".....", "..#..", ".....", ".....", ".....", "..#..", "....."],
        "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
        "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
        "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
    ]

    /// A colour, blue-green-red.
    typealias Colour = (blue: UInt8, green: UInt8, red: UInt8)

    /// Draws `text` in the 5 × 7 glyphs with its top-left corner at `origin`; returns the box
    /// of the characters.
    @discardableResult
    static func draw(
        _ text: String, in image: inout Image, origin: (x: Int, y: Int), moduleSize: Int, ink: Colour,
        shadow: Colour? = nil
    ) -> Box {
        let advance = 7 * moduleSize
        for (index, character) in text.enumerated() {
            let left = origin.x + index * advance
            for (row, line) in (glyphs[character] ?? []).enumerated() {
                for (column, isInk) in line.enumerated() where isInk == "#" {
                    let cell = Box(
                        x: Double(left + column * moduleSize), y: Double(origin.y + row * moduleSize),
                        width: Double(moduleSize), height: Double(moduleSize))
                    if let shadow { fill(&image, cell.offsetBy(dx: 2, dy: 2), colour: shadow) }
                    fill(&image, cell, colour: ink)
                }
            }
        }
        return Box(
            x: Double(origin.x), y: Double(origin.y), width: Double(text.count * advance - 2 * moduleSize),
            height: Double(7 * moduleSize))
    }

    /// A scene-like background: a diagonal gradient with a few darker blocks (no text).
    static func scene(_ size: PixelSize) -> Image {
        var image = Image(size: size, blue: 0, green: 0, red: 0)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let index = image.offset(x: x, y: y)
                let value = UInt8(60 + (x + 2 * y) * 120 / (size.width + 2 * size.height))
                let isBlock = (x / 90 + y / 70) % 3 == 0
                image.pixels[index] = isBlock ? value / 2 : value
                image.pixels[index + 1] = isBlock ? value / 2 + 20 : value + 10
                image.pixels[index + 2] = isBlock ? value / 2 + 30 : value + 5
            }
        }
        return image
    }

    static func fill(_ image: inout Image, _ box: Box, colour: Colour) {
        for y in max(0, Int(box.minY))..<min(image.height, Int(box.maxY)) {
            for x in max(0, Int(box.minX))..<min(image.width, Int(box.maxX)) {
                let index = image.offset(x: x, y: y)
                image.pixels[index] = colour.blue
                image.pixels[index + 1] = colour.green
                image.pixels[index + 2] = colour.red
            }
        }
    }

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
