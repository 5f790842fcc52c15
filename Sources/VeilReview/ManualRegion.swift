import Foundation
public import VeilGeometry

/// A region a reviewer drew by hand (a name badge, a screen, a face the detector missed): masked
/// on every frame of its span, whatever the tracks say; exclusions never remove it.
///
/// Its box is given at keyframes and interpolated linearly between them, held before the first
/// and after the last (within the span). A polygon is drawn at the first keyframe; on other
/// frames its points move and scale with the box.
///
/// Invariants (checked by ``validate(frames:)``): a non-empty label; at least one keyframe;
/// keyframes sorted with distinct frames inside the span; `firstFrame ≤ lastFrame`; boxes
/// finite with positive sides; polygons with 3…``maximumPoints`` finite points.
public struct ManualRegion: Codable, Sendable, Hashable {
    /// Where the region is on one frame.
    public struct Keyframe: Codable, Sendable, Hashable {
        /// The frame's index.
        public var frame: Int
        /// The box on that frame (frame pixels).
        public var box: Box

        /// A keyframe.
        public init(frame: Int, box: Box) {
            self.frame = frame
            self.box = box
        }
    }

    /// Most vertices a polygon may have.
    public static let maximumPoints = 1000
    /// Longest label, in characters.
    public static let maximumLabelLength = 500

    /// The region's ID within the review.
    public var id: Int
    /// What it hides ("name badge"); shown in reports, never interpreted.
    public var label: String
    /// `box`, `ellipse` or `polygon`.
    public var shape: MaskShape
    /// The first frame it covers.
    public var firstFrame: Int
    /// The last frame it covers; nil: to the end of the video.
    public var lastFrame: Int?
    /// Its positions; the box moves linearly between them.
    public var keyframes: [Keyframe]
    /// A polygon's vertices as drawn on the first keyframe (frame pixels).
    public var points: [Point]?

    /// A manual region.
    public init(
        id: Int, label: String, shape: MaskShape, firstFrame: Int, lastFrame: Int?, keyframes: [Keyframe],
        points: [Point]? = nil
    ) {
        self.id = id
        self.label = label
        self.shape = shape
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.keyframes = keyframes.sorted { $0.frame < $1.frame }
        self.points = points
    }

    /// The region's box on `frame`, or nil outside its span.
    public func box(atFrame frame: Int) -> Box? {
        guard frame >= firstFrame, frame <= (lastFrame ?? Int.max) else { return nil }
        guard let first = keyframes.first, let last = keyframes.last else { return nil }
        if frame <= first.frame { return first.box }
        if frame >= last.frame { return last.box }
        guard let next = keyframes.firstIndex(where: { $0.frame >= frame }), next > 0 else { return last.box }
        let (a, b) = (keyframes[next - 1], keyframes[next])
        return a.box.interpolated(to: b.box, fraction: Double(frame - a.frame) / Double(b.frame - a.frame))
    }

    /// What `render` masks on `frame`, or nil outside the span.
    public func mask(atFrame frame: Int) -> MaskRegion? {
        guard let box = box(atFrame: frame) else { return nil }
        guard shape == .polygon, let points, let reference = keyframes.first?.box else {
            return MaskRegion(box: box, shape: shape, objectClass: .face)
        }
        let moved = points.map { BoxInterpolation.map($0, from: reference, to: box) }
        return MaskRegion(polygon: moved, objectClass: .face)
    }

    /// Checks the invariants for a video of `frames` frames.
    public func validate(frames: Int) throws(ReviewError) {
        try ReviewDocument.checkIdentifier(id)
        let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, label.count <= Self.maximumLabelLength else {
            throw .invalidRegion(id: id, reason: "needs a label of 1…\(Self.maximumLabelLength) characters")
        }
        try ReviewDocument.checkFrame(firstFrame, frames: frames)
        if let lastFrame {
            try ReviewDocument.checkFrame(lastFrame, frames: frames)
            guard lastFrame >= firstFrame else {
                throw .invalidRegion(id: id, reason: "ends (frame \(lastFrame)) before it starts (frame \(firstFrame))")
            }
        }
        guard !keyframes.isEmpty else { throw .invalidRegion(id: id, reason: "needs at least one keyframe") }
        var previous: Int?
        for keyframe in keyframes {
            guard keyframe.frame >= firstFrame, keyframe.frame <= (lastFrame ?? Int.max) else {
                throw .invalidRegion(id: id, reason: "keyframe at frame \(keyframe.frame) lies outside its span")
            }
            if let previous, keyframe.frame <= previous {
                throw .invalidRegion(id: id, reason: "keyframes must be on distinct frames, in order")
            }
            previous = keyframe.frame
            try BoxInterpolation.check(keyframe.box)
        }
        switch shape {
        case .polygon:
            guard let points, (3...Self.maximumPoints).contains(points.count) else {
                throw .invalidRegion(id: id, reason: "a polygon needs 3…\(Self.maximumPoints) points")
            }
            guard points.allSatisfy({ BoxInterpolation.isUsable($0.x) && BoxInterpolation.isUsable($0.y) }) else {
                throw .invalidRegion(id: id, reason: "polygon points must be finite numbers")
            }
        case .box, .ellipse:
            guard points == nil else {
                throw .invalidRegion(id: id, reason: "only a polygon has points")
            }
        }
    }
}
