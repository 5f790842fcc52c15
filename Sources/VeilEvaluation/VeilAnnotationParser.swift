import Foundation
import VeilGeometry

/// Reads Veil's `annotations.json`.
///
/// ```json
/// [{"image": "images/a.jpg", "width": 640, "height": 480,
///   "objects": [{"class": "face", "box": [10, 20, 30, 40]}],
///   "ignore": [{"class": "face", "box": [300, 10, 80, 40]}]}]
/// ```
///
/// `width`, `height` and `ignore` are optional; objects listed under `ignore` are kept with
/// ``IgnoreReason/annotated``.
struct VeilAnnotationParser {
    var file: URL

    func parse(_ data: Data) throws(EvaluationError) -> EvaluationDataset {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: data)
        } catch let error as DecodingError {
            let (entry, reason) = error.entryAndReason
            throw .malformedEntry(path: file.path, entry: entry, reason: reason)
        } catch {
            throw .unreadable(path: file.path, reason: error.localizedDescription)
        }

        var seen = Set<String>()
        var images: [AnnotatedImage] = []
        for (index, entry) in entries.enumerated() {
            let label = "[\(index)] (\(entry.image))"
            guard seen.insert(entry.image).inserted else { throw .duplicateImage(path: file.path, image: entry.image) }
            var size: PixelSize?
            if let width = entry.width, let height = entry.height {
                guard width > 0, height > 0 else {
                    throw .malformedEntry(
                        path: file.path, entry: label, reason: "size \(width)×\(height) is not positive")
                }
                size = PixelSize(width: width, height: height)
            }
            var objects: [GroundTruthObject] = []
            for (listName, list, reason) in [
                ("objects", entry.objects ?? [], IgnoreReason?.none), ("ignore", entry.ignore ?? [], .annotated),
            ] {
                for (objectIndex, object) in list.enumerated() {
                    let objectLabel = "\(label).\(listName)[\(objectIndex)]"
                    guard let objectClass = ObjectClass(rawValue: object.objectClass) else {
                        let known = ObjectClass.allCases.map(\.rawValue).joined(separator: ", ")
                        throw .malformedEntry(
                            path: file.path, entry: objectLabel,
                            reason: "unknown class '\(object.objectClass)' (expected one of \(known))"
                        )
                    }
                    switch AnnotationBox.make(object.box) {
                    case .failure(let error):
                        throw .malformedEntry(path: file.path, entry: objectLabel, reason: error.reason)
                    case .success(let (box, isDegenerate)):
                        objects.append(
                            GroundTruthObject(
                                objectClass: objectClass, box: box,
                                ignoreReason: reason ?? (isDegenerate ? .degenerate : nil)
                            ))
                    }
                }
            }
            images.append(AnnotatedImage(image: entry.image, size: size, objects: objects))
        }
        return EvaluationDataset(images: images, format: .veil, imageDirectory: file.deletingLastPathComponent())
    }

    /// One element of the top-level array.
    private struct Entry: Decodable {
        var image: String
        var width: Int?
        var height: Int?
        var objects: [Object]?
        var ignore: [Object]?
    }

    /// One element of `objects` or `ignore`.
    private struct Object: Decodable {
        var objectClass: String
        var box: [Double]

        enum CodingKeys: String, CodingKey {
            case objectClass = "class"
            case box
        }
    }
}
