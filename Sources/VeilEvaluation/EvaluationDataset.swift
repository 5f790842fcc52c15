public import Foundation
public import VeilGeometry

/// A set of annotated images to score a detector on, loaded from Veil, COCO or WIDER FACE
/// annotations (see ``load(from:options:)``) or built in memory.
///
/// ```swift
/// let dataset = try EvaluationDataset.load(from: URL(filePath: "eval/faces-dlib"))
/// dataset.images.count            // 9
/// dataset.objectCount(of: .face)  // 43
/// ```
public struct EvaluationDataset: Hashable, Sendable, Codable {
    /// The images, in the order of the annotation file.
    public var images: [AnnotatedImage]
    /// The format the annotations were read from.
    public var format: DatasetFormat
    /// The directory that image paths are relative to; nil for a dataset built in memory.
    public var imageDirectory: URL?

    /// A dataset from its images.
    public init(images: [AnnotatedImage], format: DatasetFormat = .veil, imageDirectory: URL? = nil) {
        self.images = images
        self.format = format
        self.imageDirectory = imageDirectory
    }

    /// Where an image of this dataset lies on disk, or nil when the dataset has no directory.
    public func imageURL(for image: AnnotatedImage) -> URL? {
        imageDirectory?.appending(path: image.image)
    }

    /// The classes that have at least one annotated object (scored or ignored), sorted.
    public var annotatedClasses: [ObjectClass] {
        Set(images.flatMap { $0.objects.map(\.objectClass) }).sorted()
    }

    /// The number of scored (not ignored) objects of a class.
    public func objectCount(of objectClass: ObjectClass) -> Int {
        images.reduce(0) { count, image in
            count + image.objects.count { $0.objectClass == objectClass && !$0.isIgnored }
        }
    }

    /// The dataset with every scored object whose shorter side is below `minimumShortSide`
    /// pixels moved to ignored (``IgnoreReason/belowMinimumSize``).
    ///
    /// Detections of such objects then count neither for nor against the detector, as COCO's
    /// area ranges and WIDER FACE's difficulty subsets do. `0` changes nothing.
    public func ignoringObjects(shorterThan minimumShortSide: Double) -> EvaluationDataset {
        var copy = self
        for imageIndex in copy.images.indices {
            for objectIndex in copy.images[imageIndex].objects.indices {
                let object = copy.images[imageIndex].objects[objectIndex]
                if !object.isIgnored, object.box.shortSide < minimumShortSide {
                    copy.images[imageIndex].objects[objectIndex].ignoreReason = .belowMinimumSize
                }
            }
        }
        return copy
    }
}
