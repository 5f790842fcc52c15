import Foundation
import VeilGeometry

/// Reads COCO object-detection annotations (`instances_*.json` style).
///
/// `bbox` is `[x, y, width, height]`; annotations with `iscrowd` = 1 (or a non-zero `ignore`,
/// as CityPersons and WIDER-to-COCO conversions write) are kept as ignored
/// (``IgnoreReason/crowd``). Category names map to classes through ``COCOCategoryMapping``;
/// annotations of unmapped categories are dropped. Segmentation, keypoints and `area` are not
/// read: the evaluation scores boxes.
struct COCOAnnotationParser {
    var file: URL
    var categories: COCOCategoryMapping

    func parse(_ data: Data) throws(EvaluationError) -> EvaluationDataset {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            let (entry, reason) = error.entryAndReason
            if entry == "top level" {
                throw .unrecognizedFormat(
                    path: file.path, reason: "a COCO file needs 'images', 'annotations' and 'categories': \(reason)")
            }
            throw .malformedEntry(path: file.path, entry: entry, reason: reason)
        } catch {
            throw .unreadable(path: file.path, reason: error.localizedDescription)
        }

        var classByCategory: [Int: ObjectClass?] = [:]
        for category in document.categories {
            classByCategory[category.id] = .some(categories.objectClass(forCategoryNamed: category.name))
        }
        if !document.categories.isEmpty, !classByCategory.values.contains(where: { $0 != nil }) {
            let names = document.categories.map(\.name).joined(separator: ", ")
            throw .malformedEntry(
                path: file.path, entry: "categories",
                reason:
                    "no category name contains face, plate or license (\(names)); choose one class for all categories"
            )
        }

        var indexByImageID: [Int: Int] = [:]
        var seenNames = Set<String>()
        var images: [AnnotatedImage] = []
        for (index, image) in document.images.enumerated() {
            let label = "images[\(index)] (id \(image.id))"
            guard indexByImageID[image.id] == nil else {
                throw .malformedEntry(path: file.path, entry: label, reason: "image id \(image.id) is used twice")
            }
            guard seenNames.insert(image.fileName).inserted else {
                throw .duplicateImage(path: file.path, image: image.fileName)
            }
            var size: PixelSize?
            if let width = image.width, let height = image.height, width > 0, height > 0 {
                size = PixelSize(width: width, height: height)
            }
            indexByImageID[image.id] = index
            images.append(AnnotatedImage(image: image.fileName, size: size, objects: []))
        }

        for (index, annotation) in document.annotations.enumerated() {
            let label = "annotations[\(index)]" + (annotation.id.map { " (id \($0))" } ?? "")
            guard let imageIndex = indexByImageID[annotation.imageID] else {
                throw .malformedEntry(
                    path: file.path, entry: label, reason: "image_id \(annotation.imageID) is not in 'images'")
            }
            guard let mapped = classByCategory[annotation.categoryID] else {
                throw .malformedEntry(
                    path: file.path, entry: label, reason: "category_id \(annotation.categoryID) is not in 'categories'"
                )
            }
            guard let objectClass = mapped else { continue }
            switch AnnotationBox.make(annotation.bbox) {
            case .failure(let error):
                throw .malformedEntry(path: file.path, entry: label, reason: error.reason)
            case .success(let (box, isDegenerate)):
                let isCrowd = (annotation.iscrowd ?? 0) != 0 || (annotation.ignore ?? 0) != 0
                let reason: IgnoreReason? = isCrowd ? .crowd : isDegenerate ? .degenerate : nil
                images[imageIndex].objects.append(
                    GroundTruthObject(objectClass: objectClass, box: box, ignoreReason: reason))
            }
        }

        let directory = file.deletingLastPathComponent()
        var imageDirectoryCandidates = [directory.appending(path: "images")]
        if directory.lastPathComponent == "annotations" {
            imageDirectoryCandidates.append(directory.deletingLastPathComponent().appending(path: "images"))
        }
        let imageDirectory = EvaluationDataset.existingDirectory(among: imageDirectoryCandidates, fallback: directory)
        return EvaluationDataset(images: images, format: .coco, imageDirectory: imageDirectory)
    }

    /// The parts of a COCO file that box evaluation reads.
    private struct Document: Decodable {
        var images: [Image]
        var annotations: [Annotation]
        var categories: [Category]
    }

    private struct Image: Decodable {
        var id: Int
        var fileName: String
        var width: Int?
        var height: Int?

        enum CodingKeys: String, CodingKey {
            case id, width, height
            case fileName = "file_name"
        }
    }

    private struct Annotation: Decodable {
        var id: Int?
        var imageID: Int
        var categoryID: Int
        var bbox: [Double]
        var iscrowd: Int?
        var ignore: Int?

        enum CodingKeys: String, CodingKey {
            case id, bbox, iscrowd, ignore
            case imageID = "image_id"
            case categoryID = "category_id"
        }
    }

    private struct Category: Decodable {
        var id: Int
        var name: String
    }
}
