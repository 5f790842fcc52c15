public import VeilGeometry

/// How far a mask reaches beyond a detection box, as fractions of the box.
public struct Margin: Sendable, Hashable, Codable {
    /// Added on the left and on the right, each as a fraction of the box width.
    public var horizontal: Double
    /// Added above, as a fraction of the box height (hairline, forehead).
    public var top: Double
    /// Added below, as a fraction of the box height (chin).
    public var bottom: Double

    /// A margin per side, as fractions of the box.
    public init(horizontal: Double, top: Double, bottom: Double) {
        self.horizontal = horizontal
        self.top = top
        self.bottom = bottom
    }

    /// The same fraction on every side.
    public static func uniform(_ fraction: Double) -> Margin {
        Margin(horizontal: fraction, top: fraction, bottom: fraction)
    }
}

/// Turns detections into the regions the masks paint: margins, shapes, clipping.
public struct MaskPlanner: Sendable, Hashable {
    /// Face margin. The default was chosen on faces-masks-dev and faces-dlib so that the mask
    /// covers ≥ 90 % of the annotated head box for nearly every detected face, ellipse included
    /// (docs/EVALUATION.md); an ellipse inscribed in a box leaves its corners, so the ellipse
    /// needs a wider margin than a box.
    public var faceMargin: Margin
    /// Ellipse or box for faces.
    public var faceShape: MaskShape
    /// Plates are rectangles: always masked as boxes, with a margin that reaches the plate frame
    /// when the detector only boxed the characters.
    public var plateMargin: Margin

    /// The ellipse margin calibrated to cover whole heads on the evaluation data.
    public static let defaultEllipseFaceMargin = Margin(horizontal: 0.4, top: 0.45, bottom: 0.4)
    /// The box margin calibrated the same way.
    public static let defaultBoxFaceMargin = Margin(horizontal: 0.3, top: 0.35, bottom: 0.3)
    /// The plate margin (frames and screws too).
    public static let defaultPlateMargin = Margin(horizontal: 0.15, top: 0.3, bottom: 0.3)

    /// A planner; nil margins take the calibrated defaults for the shape.
    public init(faceShape: MaskShape = .ellipse, faceMargin: Margin? = nil, plateMargin: Margin? = nil) {
        self.faceShape = faceShape
        self.faceMargin =
            faceMargin ?? (faceShape == .ellipse ? Self.defaultEllipseFaceMargin : Self.defaultBoxFaceMargin)
        self.plateMargin = plateMargin ?? Self.defaultPlateMargin
    }

    /// Where the five landmarks sit in an upright, frontal face box (used when a box comes
    /// without landmarks, e.g. a tracker's prediction): eyes at 38 % height, nose at 58 %,
    /// mouth corners at 78 %.
    public static func typicalLandmarks(in box: Box) -> [Point] {
        let fractions: [(Double, Double)] = [(0.32, 0.38), (0.68, 0.38), (0.5, 0.58), (0.36, 0.78), (0.64, 0.78)]
        return fractions.map { Point(x: box.minX + $0.0 * box.width, y: box.minY + $0.1 * box.height) }
    }

    /// The regions to mask for these detections, clipped to the image; empty regions dropped.
    public func regions(for detections: [Detection], in size: PixelSize) -> [MaskRegion] {
        detections.compactMap { detection in
            let margin = detection.objectClass == .face ? faceMargin : plateMargin
            // A detection has no polygon: a polygon face shape falls back to the box (never to
            // no mask at all).
            let shape = detection.objectClass == .face && faceShape != .polygon ? faceShape : .box
            let grown = detection.box.expanded(
                horizontalFraction: margin.horizontal,
                topFraction: margin.top,
                bottomFraction: margin.bottom
            )
            // The ellipse is clipped by the image edge, not squeezed into it: keep the full
            // box for the shape maths and let the painter clip pixels.
            guard grown.intersection(size.bounds) != nil else { return nil }
            let landmarks =
                detection.objectClass == .face
                ? (detection.landmarks.count == 5 ? detection.landmarks : Self.typicalLandmarks(in: detection.box))
                : nil
            return MaskRegion(box: grown, shape: shape, objectClass: detection.objectClass, landmarks: landmarks)
        }
    }
}
