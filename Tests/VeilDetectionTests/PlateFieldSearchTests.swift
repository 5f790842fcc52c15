import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

@Suite("Plate field search")
struct PlateFieldSearchTests {
    /// A dark blue car body with a light plate turned by `degrees`, and, when `hasMarks`, seven
    /// faint character bars on it (luma ~40 below the field, as on the fisheye clip's plates).
    static func tiltedPlate(degrees: Double = 20, hasMarks: Bool = true) -> (image: Image, plate: RotatedRect) {
        let size = PixelSize(width: 320, height: 240)
        var image = Image(size: size, blue: 70, green: 35, red: 25)
        let angle = degrees * .pi / 180
        let plate = RotatedRect(center: Point(x: 160, y: 120), width: 100, height: 50, angle: angle)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let point = Point(x: Double(x) + 0.5, y: Double(y) + 0.5)
                guard plate.contains(point) else { continue }
                // Position along and across the plate, from its centre.
                let (dx, dy) = (point.x - plate.center.x, point.y - plate.center.y)
                let along = dx * cos(angle) + dy * sin(angle)
                let across = -dx * sin(angle) + dy * cos(angle)
                let column = Int(((along + 42) / 12).rounded(.down))
                let isMark =
                    hasMarks && abs(across) < 9 && (0..<7).contains(column)
                    && (along + 42 - Double(column) * 12) < 6
                let index = image.offset(x: x, y: y)
                let (blue, green, red): (UInt8, UInt8, UInt8) = isMark ? (150, 125, 115) : (200, 190, 180)
                image.pixels[index] = blue
                image.pixels[index + 1] = green
                image.pixels[index + 2] = red
            }
        }
        return (image, plate)
    }

    @Test func findsATiltedFaintPlateBoxedWhole() throws {
        let (image, plate) = Self.tiltedPlate()
        let outline = plate.boundingBox
        // The text detector's blob: about the plate's box, a little off-centre.
        let text = Box(minX: outline.minX + 6, minY: outline.minY - 4, maxX: outline.maxX - 2, maxY: outline.maxY + 3)
        let found = try #require(PlateFieldSearch().plateBox(aroundText: text, in: image))
        let covered = (found.intersection(outline)?.area ?? 0) / outline.area
        #expect(covered > 0.97)
        #expect(found.area < 1.5 * outline.area)
    }

    @Test func aBlankLightPatchIsNoPlate() {
        let (image, plate) = Self.tiltedPlate(hasMarks: false)
        #expect(PlateFieldSearch().plateBox(aroundText: plate.boundingBox, in: image) == nil)
    }

    @Test func onlySquarishTextIsSearched() {
        let (image, plate) = Self.tiltedPlate(degrees: 0)
        let outline = plate.boundingBox
        // A line of text three times as wide as tall is the verifier's to judge.
        let line = Box(x: outline.minX - 40, y: outline.minY, width: outline.width + 80, height: outline.height)
        #expect(line.width / line.height > PlateFieldSearch().maximumTextAspect)
        #expect(PlateFieldSearch().plateBox(aroundText: line, in: image) == nil)
        #expect(PlateFieldSearch().plateBox(aroundText: outline, in: image) != nil)
    }

    @Test func aFieldThatRunsPastTheBoxIsNoPlate() {
        // Text inside a large light panel: the panel's region touches the searched box's edge.
        let (image, plate) = Self.tiltedPlate(degrees: 0)
        let inside = Box(
            x: plate.center.x - 20, y: plate.center.y - 15, width: 40, height: 30)
        #expect(PlateFieldSearch().plateBox(aroundText: inside, in: image) == nil)
    }
}
