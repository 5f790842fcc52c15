/// What Veil anonymizes.
public enum ObjectClass: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case face
    case plate

    /// Orders classes by name (face before plate).
    public static func < (lhs: ObjectClass, rhs: ObjectClass) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
