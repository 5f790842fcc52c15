public import ArgumentParser
import VeilGeometry
public import VeilMasking
public import VeilPipeline

extension MaskStyle: ExpressibleByArgument {
    /// `--help` lists each mask with its ISO/IEC 20889 technique (``MaskStyle/technique``).
    public static var allValueDescriptions: [String: String] {
        Dictionary(
            uniqueKeysWithValues: allCases.map { ($0.rawValue, "\($0.summary) ISO/IEC 20889: \($0.technique).") })
    }

    /// What the mask leaves, in a few words.
    private var summary: String {
        switch self {
        case .layered: "Noisy coarse cells, smoothed; irreversible."
        case .fill: "A solid colour."
        case .pixelate: "Blocks of the mean colour."
        case .blur: "Gaussian blur; partly reversible by AI restoration."
        case .surrogate: "A synthetic face on the landmarks, over a layered mask."
        }
    }
}
extension DetectorChoice: ExpressibleByArgument {}

/// `--targets face,plate`: a comma-separated set of object classes.
struct TargetList: ExpressibleByArgument, Sendable {
    var classes: Set<ObjectClass>

    init?(argument: String) {
        var classes: Set<ObjectClass> = []
        for name in argument.split(separator: ",") {
            guard let objectClass = ObjectClass(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased())
            else { return nil }
            classes.insert(objectClass)
        }
        guard !classes.isEmpty else { return nil }
        self.classes = classes
    }

    var defaultValueDescription: String { classes.map(\.rawValue).sorted().joined(separator: ",") }
    static var allValueStrings: [String] { ObjectClass.allCases.map(\.rawValue) }
}
