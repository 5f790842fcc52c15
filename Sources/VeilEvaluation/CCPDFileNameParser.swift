import Foundation
import VeilGeometry

/// Reads CCPD (Chinese City Parking Dataset), whose annotations are the image file names.
///
/// ```text
/// 025-95_113-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37-15.jpg
/// ```
///
/// Seven fields separated by `-`: the plate's share of the image area (‰), horizontal and
/// vertical tilt (`95_113`), the bounding box's top-left and bottom-right corners
/// (`154&383_386&473`), the plate's four corners starting from the bottom-right
/// (bottom-right, bottom-left, top-left, top-right), the character indices (7, or 8 for
/// CCPD-Green), brightness and blur. Every image holds one plate; an image whose name has no
/// `-` at all is read as having none. The box is scored; the corners are kept, clockwise from
/// the top-left, in ``GroundTruthObject/corners``.
///
/// Images are the `.jpg` files in the directory and its subfolders (CCPD2019 keeps one folder
/// per subset), sorted by path.
struct CCPDFileNameParser {
    var directory: URL

    /// The fields of a CCPD name, for error messages.
    static let expectedFields =
        "expected CCPD's area-tilt-box-corners-characters-brightness-blur, "
        + "e.g. 025-95_113-154&383_386&473-386&473_177&454_154&383_363&402-0_0_22_27_27_33_16-37-15.jpg"
    /// Image extensions read.
    static let imageExtensions: Set<String> = ["jpg", "jpeg"]

    /// Whether a directory's first image (in path order) is named as CCPD's are: the quick check
    /// ``EvaluationDataset/load(from:options:)`` uses before reading a directory as CCPD.
    static func looksLikeCCPD(directory: URL) -> Bool {
        guard let first = imagePaths(in: directory).first else { return false }
        let stem = (first as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? ""
        return (try? plate(inStem: stem)) != nil
    }

    /// The `.jpg` files under `directory`, relative to it, sorted.
    static func imagePaths(in directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            guard !name.hasPrefix("."), imageExtensions.contains((name as NSString).pathExtension.lowercased())
            else { continue }
            paths.append(path)
        }
        return paths.sorted()
    }

    func parse() throws(EvaluationError) -> EvaluationDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { throw .unreadable(path: directory.path, reason: "CCPD is read from a directory of images") }
        let paths = Self.imagePaths(in: directory)
        guard !paths.isEmpty else { throw .noAnnotationsFound(directory: directory.path) }
        var images: [AnnotatedImage] = []
        for path in paths {
            let stem = String((path as NSString).lastPathComponent.dropLast((path as NSString).pathExtension.count + 1))
            let objects: [GroundTruthObject]
            do {
                objects = try Self.plate(inStem: stem).map { [$0] } ?? []
            } catch {
                throw .malformedEntry(path: directory.path, entry: "image '\(path)'", reason: error.reason)
            }
            images.append(AnnotatedImage(image: path, objects: objects))
        }
        return EvaluationDataset(images: images, format: .ccpd, imageDirectory: directory)
    }

    /// Why a name could not be read.
    struct NameError: Error {
        var reason: String
    }

    /// The plate a file name (without extension) describes; nil for a name without fields.
    static func plate(inStem stem: String) throws(NameError) -> GroundTruthObject? {
        guard stem.contains("-") else { return nil }
        let fields = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7 else {
            throw NameError(reason: "\(fields.count) '-'-separated fields, \(expectedFields)")
        }
        guard Int(fields[0]) != nil else { throw NameError(reason: "area '\(fields[0])' is not a number") }
        guard numbers(fields[1], separator: "_")?.count == 2 else {
            throw NameError(reason: "tilt '\(fields[1])' is not two numbers joined by '_'")
        }
        guard let corners = points(fields[2]), corners.count == 2, corners[1].x > corners[0].x,
            corners[1].y > corners[0].y
        else {
            throw NameError(
                reason: "box '\(fields[2])' is not x1&y1_x2&y2 with the top-left corner before the bottom-right")
        }
        guard let outline = points(fields[3]), outline.count == 4 else {
            throw NameError(reason: "corners '\(fields[3])' are not four x&y points joined by '_'")
        }
        guard let characters = numbers(fields[4], separator: "_"), (7...8).contains(characters.count) else {
            throw NameError(reason: "plate characters '\(fields[4])' are not 7 or 8 indices joined by '_'")
        }
        guard Int(fields[5]) != nil, Int(fields[6]) != nil else {
            throw NameError(reason: "brightness '\(fields[5])' and blur '\(fields[6])' must be numbers")
        }
        // CCPD lists bottom-right, bottom-left, top-left, top-right; kept clockwise from top-left.
        return GroundTruthObject(
            objectClass: .plate,
            box: Box(minX: corners[0].x, minY: corners[0].y, maxX: corners[1].x, maxY: corners[1].y),
            corners: [outline[2], outline[3], outline[0], outline[1]]
        )
    }

    /// Non-negative integers joined by `separator`; nil when any part is not one.
    private static func numbers(_ text: String, separator: Character) -> [Int]? {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false).map { Int($0) }
        guard parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        return parts.compactMap { $0 }
    }

    /// `x&y` points joined by `_`; nil when any is not one.
    private static func points(_ text: String) -> [Point]? {
        var points: [Point] = []
        for pair in text.split(separator: "_", omittingEmptySubsequences: false) {
            guard let values = numbers(String(pair), separator: "&"), values.count == 2 else { return nil }
            points.append(Point(x: Double(values[0]), y: Double(values[1])))
        }
        return points
    }
}
