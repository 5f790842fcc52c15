public import VeilGeometry

/// A face's 128-value dlib ResNet descriptor: two faces are the same person when their
/// Euclidean distance is below ~0.6 (dlib's published threshold, 99.38 % on LFW).
///
/// Descriptors identify people: they are kept in memory only and never written or logged.
public struct FaceDescriptor: Sendable, Hashable {
    /// Number of values (dlib_face_recognition_resnet_model_v1).
    public static let length = 128

    /// The 128 numbers.
    public let values: [Float]

    /// A descriptor from its values.
    public init(values: [Float]) {
        precondition(values.count == Self.length, "a dlib face descriptor has \(Self.length) values")
        self.values = values
    }

    /// Euclidean (L2) distance.
    public func distance(to other: FaceDescriptor) -> Double {
        var sum = 0.0
        for index in 0..<Self.length {
            let difference = Double(values[index]) - Double(other.values[index])
            sum += difference * difference
        }
        return sum.squareRoot()
    }
}

/// dlib's five face landmarks (outer and inner eye corners of each eye, bottom of the nose),
/// in image coordinates. Only used to align a face chip; in dlib's order, which differs from
/// `Detection.landmarks`.
public struct FaceLandmarks: Sendable, Hashable {
    /// The points, in image pixels.
    public var points: [Point]

    /// Landmarks from their points.
    public init(points: [Point]) {
        self.points = points
    }

    /// The landmarks moved by an offset (image → crop coordinates).
    public func offsetBy(dx: Double, dy: Double) -> FaceLandmarks {
        FaceLandmarks(points: points.map { $0.offsetBy(dx: dx, dy: dy) })
    }
}
