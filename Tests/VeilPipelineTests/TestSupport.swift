import Foundation
import VeilDetection
import VeilGeometry
import VeilMedia
import VeilTestSupport

/// Temporary directories and tools for the pipeline tests.
enum TestSupport {
    static func directory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("veil-pipeline-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> Bool {
        (try? ChildProcess.tool(program, arguments))?.status == 0
    }

    static let astronaut = URL(fileURLWithPath: "/usr/local/share/veil/fixtures/astronaut.png")

    /// Names of files under a directory (recursive), hidden ones included.
    static func files(under url: URL) -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []).sorted()
    }
}

/// A detector that finds the bright square in synthetic frames by its pixels, and misses on
/// purpose: every frame whose call number is in `missing`.
///
/// `@unchecked Sendable`: `calls` is only touched while holding `lock`.
final class BrightSquareDetector: ObjectDetector, @unchecked Sendable {
    let name = "bright-square"
    let models: [ModelFingerprint] = []
    private let lock = NSLock()
    private var calls = 0
    private let missing: Set<Int>
    private let failsAt: Int?

    private let onCall: @Sendable (Int) -> Void
    /// The longest side it claims to look at (nil: full resolution, like a tiling detector).
    let workingSide: Int?
    /// Sizes of the images it was given.
    private(set) var seenSizes: Set<PixelSize> = []

    init(
        missing: Set<Int> = [],
        failsAt: Int? = nil,
        workingSide: Int? = nil,
        onCall: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.missing = missing
        self.failsAt = failsAt
        self.workingSide = workingSide
        self.onCall = onCall
    }

    func detect(in image: Image) throws(DetectionError) -> [Detection] {
        let call = lock.withLock {
            defer { calls += 1 }
            seenSizes.insert(image.size)
            return calls
        }
        onCall(call)
        if call == failsAt { throw .inferenceFailed(model: name, reason: "injected failure") }
        guard !missing.contains(call), let box = Self.brightBox(in: image) else { return [] }
        return [Detection(objectClass: .face, box: box, score: 0.9)]
    }

    /// The bounding box of pixels brighter than 200 in all channels.
    static func brightBox(in image: Image, level: UInt8 = 200) -> Box? {
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x, y]
                if pixel.blue > level && pixel.green > level && pixel.red > level {
                    minX = min(minX, x)
                    minY = min(minY, y)
                    maxX = max(maxX, x)
                    maxY = max(maxY, y)
                }
            }
        }
        guard maxX >= 0 else { return nil }
        return Box(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1))
    }
}
