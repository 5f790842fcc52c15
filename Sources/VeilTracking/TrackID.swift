/// The identity of one track, unique within the ``Tracker`` value that issued it.
///
/// IDs count up from 1 in the order tracks start. They are not global: two trackers (two
/// videos) issue the same IDs independently.
public struct TrackID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The number.
    public var rawValue: Int

    /// An ID.
    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// "#n".
    public var description: String { "#\(rawValue)" }

    /// Orders by number (creation order).
    public static func < (lhs: TrackID, rhs: TrackID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
