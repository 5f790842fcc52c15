/// One object found in one image: the value that flows from detectors through the tracker to
/// the masks and the metrics.
public struct Detection: Hashable, Sendable, Codable {
    /// What was found.
    public var objectClass: ObjectClass
    /// Where, in image pixels.
    public var box: Box
    /// Detector confidence, 0…1.
    public var score: Double
    /// Facial landmarks when the detector gives them, in the order right eye, left eye, nose,
    /// right mouth corner, left mouth corner (the subject's right/left, as YuNet and CenterFace
    /// emit them); empty otherwise.
    public var landmarks: [Point]

    /// A detection; `landmarks` are the five face points when the detector gives them.
    public init(objectClass: ObjectClass, box: Box, score: Double, landmarks: [Point] = []) {
        self.objectClass = objectClass
        self.box = box
        self.score = score
        self.landmarks = landmarks
    }

    /// The detection mapped by a scale and then an offset (detector input → image).
    public func mapped(scaleX: Double, scaleY: Double, dx: Double = 0, dy: Double = 0) -> Detection {
        Detection(
            objectClass: objectClass,
            box: box.scaled(x: scaleX, y: scaleY).offsetBy(dx: dx, dy: dy),
            score: score,
            landmarks: landmarks.map { $0.scaled(x: scaleX, y: scaleY).offsetBy(dx: dx, dy: dy) }
        )
    }
}
