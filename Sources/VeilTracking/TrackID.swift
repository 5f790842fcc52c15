/// The identity of one track, unique within the ``Tracker`` value that issued it.
///
/// IDs count up from 1 in the order tracks start. They are not global: two trackers (two
/// videos) issue the same IDs independently.
public struct TrackID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: Int

    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    public var description: String { "#\(rawValue)" }

    public static func < (lhs: TrackID, rhs: TrackID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
