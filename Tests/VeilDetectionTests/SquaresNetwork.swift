import Foundation
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// A stand-in face network for the scaling plans' tests (no model needed). It sees squares drawn
/// with blue at 255 (``canvas(_:squares:)``; one square per green value) at least `smallestFace`
/// pixels tall at its input. A square wholly inside the image it is given scores 0.9; one cut by
/// that image's border scores `cutScore` (its visible part, as a real network boxes a cut face).
/// It records every input's size.
final class SquaresNetwork: FaceNetwork, @unchecked Sendable {
    // @unchecked: `inputs` is only touched under `lock`.
    let name = "squares"
    let model = ModelFingerprint(name: "squares", sha256: "")
    let maxInputSide = 1280
    let smallestFace: Double
    let cutScore: Double
    private let lock = NSLock()
    private var inputs: [PixelSize] = []

    init(smallestFace: Double, cutScore: Double = 0.9) {
        self.smallestFace = smallestFace
        self.cutScore = cutScore
    }

    /// Every input size seen so far (scaled image, tile or region, before padding).
    var seenInputs: [PixelSize] { lock.withLock { inputs } }

    func detect(in image: Image, scale: Double) -> [Detection] {
        let input = PixelSize(
            width: Int((Double(image.width) * scale).rounded()),
            height: Int((Double(image.height) * scale).rounded()))
        lock.withLock { inputs.append(input) }
        var corners: [UInt8: (Int, Int, Int, Int)] = [:]
        for y in 0..<image.height {
            for x in 0..<image.width {
                let offset = image.offset(x: x, y: y)
                guard image.pixels[offset] == 255 else { continue }
                let id = image.pixels[offset + 1]
                let (minX, minY, maxX, maxY) = corners[id] ?? (x, y, x, y)
                corners[id] = (min(minX, x), min(minY, y), max(maxX, x), max(maxY, y))
            }
        }
        return corners.values.compactMap { minX, minY, maxX, maxY in
            let box = Box(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1))
            guard box.height * scale >= smallestFace else { return nil }
            let isCut =
                minX == 0 || minY == 0 || maxX + 1 == image.width || maxY + 1 == image.height
            return Detection(objectClass: .face, box: box, score: isCut ? cutScore : 0.9)
        }
    }

    /// A grey image with each square drawn in its own colour.
    static func canvas(_ size: PixelSize, squares: [Box]) -> Image {
        var image = Image(size: size, blue: 90, green: 110, red: 120)
        for (number, square) in squares.enumerated() {
            for y in Int(square.minY)..<Int(square.maxY) {
                for x in Int(square.minX)..<Int(square.maxX) {
                    let offset = image.offset(x: x, y: y)
                    image.pixels.replaceSubrange(offset..<offset + 3, with: [255, UInt8(number + 1), 0])
                }
            }
        }
        return image
    }
}
