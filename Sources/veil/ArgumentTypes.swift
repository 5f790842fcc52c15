public import ArgumentParser
import VeilGeometry
public import VeilMasking
public import VeilPipeline

extension MaskStyle: ExpressibleByArgument {}
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
