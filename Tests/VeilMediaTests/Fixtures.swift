import Foundation
import VeilGeometry
import VeilMedia
import VeilTestSupport

/// Temporary files and external tools for the media tests.
enum Fixtures {
    /// A fresh empty directory under the system's temporary directory.
    static func directory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("veil-tests-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A gradient image with a bright square in its top-left corner (to check orientation).
    static func markedImage(width: Int = 64, height: Int = 32) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let index = (y * width + x) * 3
                let isMark = x < 8 && y < 8
                pixels[index] = isMark ? 255 : UInt8(x * 2 % 256)
                pixels[index + 1] = isMark ? 255 : UInt8(y * 4 % 256)
                pixels[index + 2] = isMark ? 255 : 60
            }
        }
        return Image(size: PixelSize(width: width, height: height), pixels: pixels)
    }

    /// Runs a program found on PATH; returns its stdout, or nil if it failed to run.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> String? {
        guard let result = try? ChildProcess.tool(program, arguments), result.status == 0 else { return nil }
        return result.stdoutText
    }

    static var hasExiftool: Bool { run("exiftool", ["-ver"]) != nil }
}
