public import VeilGeometry

/// One image of an evaluation dataset with its ground truth.
public struct AnnotatedImage: Hashable, Sendable, Codable {
    /// The image's path relative to the dataset's image directory; predictions name images by it.
    public var image: String
    /// Pixel dimensions when the annotation file records them (WIDER FACE does not).
    public var size: PixelSize?
    /// Every annotated object, scored and ignored.
    public var objects: [GroundTruthObject]

    /// An annotated image.
    public init(image: String, size: PixelSize? = nil, objects: [GroundTruthObject]) {
        self.image = image
        self.size = size
        self.objects = objects
    }

    /// The objects of one class, scored and ignored.
    public func objects(of objectClass: ObjectClass) -> [GroundTruthObject] {
        objects.filter { $0.objectClass == objectClass }
    }
}
