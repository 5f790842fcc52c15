public import VeilDetection
public import VeilGeometry
public import VeilMedia
import VeilVideo

/// Follows plates that only the high-resolution plate passes can see (fisheye and other wide
/// frames, where a plate is a few pixels tall at the regular pass's input), so that the
/// tracker sees them on every plate pass instead of once per high-resolution pass.
///
/// Each plate a high-resolution pass finds becomes a *target*. On every later plate pass, a
/// target the regular pass finds itself needs nothing more; for each other one the detector
/// runs again on a small full-resolution crop around it (read at the stills' scale: a crop is
/// a small photo, enlarged up to 2×), which costs a fraction of a regular pass, and the plate
/// found there moves the target.
///
/// A target counts once it has been seen twice (found, then found again by a follow-up crop or
/// a high-resolution pass): a one-off find of text that only looks like a plate at one moment
/// is never handed to the tracker. The tracker gets a target's plate from its second sighting
/// on; when that track confirms, the look-ahead masks it backwards over the frames before it
/// (``VeilTracking/LookAheadConfiguration/backwardFillFrames``), so the frames between the
/// first find and the confirmation are masked too. A target missed on more than
/// ``maximumMisses`` passes in a row is dropped (the tracker still carries its track).
///
/// ```swift
/// var followUp = PlateFollowUp(detector: stillsPlateDetector, minimumFrameSide: 2400)
/// let plates = try followUp.plates(found: highResolutionFinds, isHighResolution: true, in: frame.picture)
/// ```
public struct PlateFollowUp: Sendable {
    /// A plate being followed between high-resolution passes.
    public struct Target: Sendable, Hashable {
        /// Where it was last seen (frame pixels).
        public var box: Box
        /// How many passes have seen it (the first find included).
        public var sightings: Int
        /// Plate passes in a row that did not see it.
        public var misses: Int
    }

    /// The detector run on crops (the stills' plate detector: a crop is read enlarged).
    public let detector: any ObjectDetector
    /// Frames shorter than this on their longer side get no high-resolution finds followed
    /// (``VideoSettings/plateHighResolutionMinimumSide``).
    public let minimumFrameSide: Int
    /// A crop reaches this many of the target's sides beyond it on every side (a plate
    /// moving a box per pass stays inside).
    public var cropMarginInSides: Double = 0.5
    /// The shortest side of a crop (frame pixels): enough context for the text detector.
    public var minimumCropSide: Double = 192
    /// Sightings that make a target count (the first find and one more).
    public var requiredSightings = 2
    /// A target missed on more passes in a row than this is dropped.
    public var maximumMisses = 2
    /// A follow-up with no targets yet.
    ///
    /// - Parameters:
    ///   - detector: the detector run on crops (the stills' plate detector).
    ///   - minimumFrameSide: frames shorter than this on their longer side get no
    ///     high-resolution finds followed.
    public init(detector: any ObjectDetector, minimumFrameSide: Int = 0) {
        self.detector = detector
        self.minimumFrameSide = minimumFrameSide
    }

    /// The least IoU with a target's box for a find whose centre lies outside it.
    static let minimumOverlap = 0.2
    /// The plates being followed.
    public private(set) var targets: [Target] = []

    /// The plates to hand to the tracker for one plate pass.
    ///
    /// - Parameters:
    ///   - found: what the pass found (frame pixels).
    ///   - isHighResolution: whether it was a high-resolution pass. Its finds become targets
    ///     and wait for a second sighting; a target it missed is searched in its crop. After a
    ///     regular pass, a target that pass found needs no crop; the others are searched in
    ///     theirs. On frames shorter than ``minimumFrameSide`` every pass counts as regular.
    ///   - picture: the frame at full resolution (crops come from it).
    /// - Returns: a regular pass's plates plus the targets seen on this pass that have been
    ///   seen at least ``requiredSightings`` times.
    /// - Throws: the detector's error on a crop.
    public mutating func plates(
        found: [Detection], isHighResolution: Bool, in picture: PlanarImage
    ) throws(DetectionError) -> [Detection] {
        let isHighResolution = isHighResolution && max(picture.width, picture.height) >= minimumFrameSide
        var seen: [Detection?] = targets.map { Self.best(found, near: $0.box) }
        // What a regular pass found goes to the tracker as it is; only the targets it did not
        // find are searched in crops.
        var plates = isHighResolution ? [] : found
        var sawItself = seen.map { $0 != nil && !isHighResolution }
        for index in targets.indices where seen[index] == nil {
            seen[index] = try follow(targets[index], in: picture)
        }
        if isHighResolution {
            let claimed = seen.compactMap { $0?.box }
            for detection in found where !claimed.contains(detection.box) {
                targets.append(Target(box: detection.box, sightings: 0, misses: 0))
                seen.append(detection)
                sawItself.append(false)
            }
        }
        for index in targets.indices {
            guard let detection = seen[index] else {
                targets[index].misses += 1
                continue
            }
            targets[index].box = detection.box
            targets[index].sightings += 1
            targets[index].misses = 0
            if targets[index].sightings >= requiredSightings, !sawItself[index] { plates.append(detection) }
        }
        targets.removeAll { $0.misses > maximumMisses }
        return plates
    }

    /// The plate in a crop around `target`, in frame pixels; nil when none overlaps it.
    private func follow(_ target: Target, in picture: PlanarImage) throws(DetectionError) -> Detection? {
        let box = target.box
        let marginX = max(box.width * cropMarginInSides, (minimumCropSide - box.width) / 2)
        let marginY = max(box.height * cropMarginInSides, (minimumCropSide - box.height) / 2)
        let crop = Box(
            minX: box.minX - marginX, minY: box.minY - marginY, maxX: box.maxX + marginX, maxY: box.maxY + marginY
        ).clamped(to: picture.size.bounds)
        let x = Int(crop.minX.rounded(.down))
        let y = Int(crop.minY.rounded(.down))
        let width = min(picture.width, Int(crop.maxX.rounded(.up))) - x
        let height = min(picture.height, Int(crop.maxY.rounded(.up))) - y
        guard width > 0, height > 0 else { return nil }
        let image = picture.bgrCrop(x: x, y: y, width: width, height: height)
        let found = try detector.detect(in: image).map {
            $0.mapped(scaleX: 1, scaleY: 1, dx: Double(x), dy: Double(y))
        }
        return Self.best(found, near: box)
    }

    /// The detection overlapping `box` most (IoU), among those centred in it or overlapping
    /// it by IoU ≥ ``minimumOverlap``; nil when there is none (other text near a plate is not
    /// taken for it).
    static func best(_ detections: [Detection], near box: Box) -> Detection? {
        detections.filter { box.contains($0.box.center) || $0.box.iou(box) >= minimumOverlap }.max { first, second in
            first.box.iou(box) < second.box.iou(box)
        }
    }
}

extension PlanStage {
    /// A plate pass's detections with the detector's followed plates (``PlateFollowUp``) added
    /// and its unconfirmed high-resolution finds held back; as they are for other detectors.
    func followPlates(
        _ detections: [Detection], detector index: Int, isCoarse: Bool, frame: VideoFrame
    ) throws(DetectionError) -> [Detection] {
        guard var followUp = plateFollowUps[index] else { return detections }
        let objectClass = anonymizer.detectors[index].objectClass.rawValue
        let plates = try measure(objectClass) { () throws(DetectionError) in
            try followUp.plates(found: detections, isHighResolution: !isCoarse, in: frame.picture)
        }
        plateFollowUps[index] = followUp
        return plates
    }
}
