import Foundation
import VeilAudit
import VeilGeometry
import VeilMedia

/// The audit portraits installed by scripts/fetch_audit_fixtures.sh (face_recognition 1.3.0's
/// test photos), and helpers shared by the tests.
enum Fixtures {
    static let portraits = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["VEIL_FIXTURES"] ?? "/usr/local/share/veil/fixtures"
    ).appendingPathComponent("portraits")

    /// Obama: official portrait (2012), Congress address (2009), Blue Room (2010); Biden: Blue Room.
    static let obamaPortrait = "obama.jpg"
    static let obamaCongress = "obama2.jpg"
    static let obamaBlueRoom = "obama3.jpg"
    static let biden = "biden.jpg"
    static let all = [obamaPortrait, obamaCongress, obamaBlueRoom, biden]

    static func image(_ name: String) throws -> Image {
        try ImageCodec.read(portraits.appendingPathComponent(name))
    }

    /// The one face dlib's HOG detector finds in each portrait (upsampleCount 0). The fixtures
    /// are pinned by sha256, so the boxes are constants: HOG runs ~30× slower in a debug build
    /// (its templates compile at -O0, ~20 s per portrait), and `DlibFaceDetectorTests` checks
    /// one of them on a downscaled copy.
    static let faces: [String: Box] = [
        obamaPortrait: Box(x: 366, y: 136, width: 259, height: 259),
        obamaCongress: Box(x: 164, y: 302, width: 311, height: 310),
        obamaBlueRoom: Box(x: 646, y: 302, width: 310, height: 310),
        biden: Box(x: 439, y: 233, width: 311, height: 310),
    ]

    static func face(_ name: String) -> Box { faces[name]! }

    /// A portrait scaled so its face's short side is `faceSize` pixels, and the scaled face box.
    static func scaled(_ name: String, faceSize: Double) throws -> (image: Image, face: Box) {
        let image = try image(name)
        let box = face(name)
        let scale = faceSize / box.shortSide
        let size = PixelSize(
            width: Int((Double(image.width) * scale).rounded()), height: Int((Double(image.height) * scale).rounded()))
        let resized = try image.resized(to: size, interpolation: scale < 1 ? .area : .cubic)
        return (
            resized,
            box.scaled(x: Double(size.width) / Double(image.width), y: Double(size.height) / Double(image.height))
        )
    }

    static func recognizer() throws -> FaceRecognizer {
        try FaceRecognizer(models: .locate())
    }
}

extension Image {
    /// A copy with `patch` pasted with its top-left corner at (x, y) (clipped to the image).
    func pasting(_ patch: Image, x: Int, y: Int) -> Image {
        var result = self
        for row in 0..<patch.height where (0..<height).contains(y + row) {
            for column in 0..<patch.width where (0..<width).contains(x + column) {
                let source = patch.offset(x: column, y: row)
                let target = offset(x: x + column, y: y + row)
                result.pixels[target] = patch.pixels[source]
                result.pixels[target + 1] = patch.pixels[source + 1]
                result.pixels[target + 2] = patch.pixels[source + 2]
            }
        }
        return result
    }
}
