public import VeilGeometry

/// How ``EvaluationDataset/load(from:options:)`` reads an annotation file.
public struct DatasetLoadOptions: Hashable, Sendable {
    /// The format to read, or nil to recognise it from the file's name and content.
    public var format: DatasetFormat?
    /// Which Veil class each COCO category becomes.
    public var cocoCategories: COCOCategoryMapping

    /// Options; a nil format is detected from the files.
    public init(format: DatasetFormat? = nil, cocoCategories: COCOCategoryMapping = .byName) {
        self.format = format
        self.cocoCategories = cocoCategories
    }
}

/// Which Veil class each COCO category becomes.
public enum COCOCategoryMapping: Hashable, Sendable {
    /// Categories whose name contains "face" become faces; "plate", "license" or "licence"
    /// become plates; annotations of any other category are dropped.
    case byName
    /// Every category becomes the given class (a single-class face or plate dataset).
    case all(ObjectClass)

    /// The class a category name maps to, or nil when its annotations are dropped.
    func objectClass(forCategoryNamed name: String) -> ObjectClass? {
        switch self {
        case .all(let objectClass):
            return objectClass
        case .byName:
            let lowered = name.lowercased()
            if lowered.contains("face") { return .face }
            if ["plate", "license", "licence"].contains(where: lowered.contains) { return .plate }
            return nil
        }
    }
}
