public import VeilGeometry

/// A number per object class, the one count type of every result: ``ImageOutcome``,
/// ``VideoOutcome`` and ``BatchReport`` all use it, so "face" means the same key everywhere.
///
/// Encodes as a JSON object keyed by class name (`{"face": 3, "plate": 1}`); classes with no
/// count are left out.
///
/// ```swift
/// var counts = ClassCounts()
/// counts[.face] += 2
/// counts.total  // 2
/// ```
public struct ClassCounts: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    /// The counts, classes with none left out.
    public private(set) var values: [ObjectClass: Int] = [:]

    /// No counts.
    public init() {}

    /// The given counts; zero entries are dropped.
    public init(_ values: [ObjectClass: Int]) {
        self.values = values.filter { $0.value != 0 }
    }

    /// `[.face: 3, .plate: 1]`.
    public init(dictionaryLiteral elements: (ObjectClass, Int)...) {
        self.init(Dictionary(elements, uniquingKeysWith: +))
    }

    /// The count of one class (0 when none).
    public subscript(_ objectClass: ObjectClass) -> Int {
        get { values[objectClass] ?? 0 }
        set { values[objectClass] = newValue == 0 ? nil : newValue }
    }

    /// The sum over all classes.
    public var total: Int { values.values.reduce(0, +) }

    /// Whether every count is zero.
    public var isEmpty: Bool { values.isEmpty }

    /// Class by class sums.
    public static func + (lhs: ClassCounts, rhs: ClassCounts) -> ClassCounts {
        ClassCounts(lhs.values.merging(rhs.values, uniquingKeysWith: +))
    }

    /// Adds `other` class by class.
    public static func += (lhs: inout ClassCounts, rhs: ClassCounts) { lhs = lhs + rhs }

    /// Decodes `{"face": 3}`; an unknown class name is an error.
    public init(from decoder: any Decoder) throws {
        let raw = try [String: Int](from: decoder)
        var values: [ObjectClass: Int] = [:]
        for (name, count) in raw {
            guard let objectClass = ObjectClass(rawValue: name) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown class '\(name)'"))
            }
            values[objectClass] = count
        }
        self.init(values)
    }

    /// Encodes `{"face": 3}`.
    public func encode(to encoder: any Encoder) throws {
        try Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) }).encode(to: encoder)
    }
}
