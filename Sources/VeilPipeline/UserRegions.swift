public import Foundation
public import VeilGeometry

/// A region the user marked by hand: masked always (a name badge, a screen, a tattoo) or, as an
/// exclusion, never masked by detection (a person who consented).
///
/// Stills use the box as is. In video a region can be limited to a time span and can move:
/// keyframes give its box at given times and it is linearly interpolated between them (held
/// before the first and after the last).
public struct UserRegion: Sendable, Hashable, Codable {
    /// Where a moving region is at one time.
    public struct Keyframe: Sendable, Hashable, Codable {
        /// Seconds from the start of the video.
        public var time: Double
        /// The box at that time, in pixels.
        public var box: Box

        /// A keyframe at `time` seconds.
        public init(time: Double, box: Box) {
            self.time = time
            self.box = box
        }
    }

    /// A free label for reports ("badge", "interviewer, consent form 12"); never a name is
    /// needed, and it is not interpreted.
    public var label: String?
    /// For `polygon` regions, the bounds of ``points`` (any value is replaced by them).
    public var box: Box
    /// Box, ellipse or polygon.
    public var shape: MaskShape
    /// Vertices of a `polygon` region (stills: masked as drawn; video: moved with keyframes'
    /// offset from ``box`` is not supported, polygons are static).
    public var points: [Point]?
    /// Seconds; nil means from the start / to the end.
    public var start: Double?
    /// Seconds; nil: until the end.
    public var end: Double?
    /// Positions over time; the box moves linearly between them.
    public var keyframes: [Keyframe]

    /// A region; without `start`/`end` it is active throughout.
    public init(
        label: String? = nil,
        box: Box,
        shape: MaskShape = .box,
        start: Double? = nil,
        end: Double? = nil,
        keyframes: [Keyframe] = [],
        points: [Point]? = nil
    ) {
        self.label = label
        self.box = box
        self.shape = shape
        self.points = points
        self.start = start
        self.end = end
        self.keyframes = keyframes.sorted { $0.time < $1.time }
    }

    enum CodingKeys: String, CodingKey {
        case label, box, shape, start, end, keyframes, points
    }

    /// `box` may be left out of a polygon (its bounds are used); `shape` defaults to `box`,
    /// `keyframes` to none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let points = try container.decodeIfPresent([Point].self, forKey: .points)
        let shape = try container.decodeIfPresent(MaskShape.self, forKey: .shape) ?? (points == nil ? .box : .polygon)
        var box = try container.decodeIfPresent(Box.self, forKey: .box)
        if box == nil, let points, !points.isEmpty {
            box = MaskRegion(polygon: points, objectClass: .face).box
        }
        guard let box else {
            throw DecodingError.keyNotFound(
                CodingKeys.box,
                DecodingError.Context(
                    codingPath: container.codingPath, debugDescription: "a region needs a box or points")
            )
        }
        self.init(
            label: try container.decodeIfPresent(String.self, forKey: .label),
            box: box,
            shape: shape,
            start: try container.decodeIfPresent(Double.self, forKey: .start),
            end: try container.decodeIfPresent(Double.self, forKey: .end),
            keyframes: try container.decodeIfPresent([Keyframe].self, forKey: .keyframes) ?? [],
            points: points
        )
    }

    /// The region's box at `time` (seconds; nil for stills), or nil when it is not active then.
    public func box(at time: Double?) -> Box? {
        guard let time else { return box }
        if let start, time < start { return nil }
        if let end, time > end { return nil }
        guard let first = keyframes.first, let last = keyframes.last else { return box }
        if time <= first.time { return first.box }
        if time >= last.time { return last.box }
        guard let next = keyframes.firstIndex(where: { $0.time >= time }), next > 0 else { return last.box }
        let (a, b) = (keyframes[next - 1], keyframes[next])
        return a.box.interpolated(to: b.box, fraction: (time - a.time) / max(b.time - a.time, 1e-9))
    }
}

/// Manual regions and exclusions for one run.
public struct UserRegions: Sendable, Hashable, Codable {
    /// The regions file format version this build reads.
    public static let formatVersion = 1

    /// The file layout's version (1).
    public var version: Int
    /// Always masked, whatever the detector says; exclusions never remove them.
    public var regions: [UserRegion]
    /// Detections whose centre lies inside one of these are not masked.
    public var exclusions: [UserRegion]

    /// Regions to mask and exclusions.
    public init(regions: [UserRegion] = [], exclusions: [UserRegion] = []) {
        version = Self.formatVersion
        self.regions = regions
        self.exclusions = exclusions
    }

    /// Whether there is neither a region nor an exclusion.
    public var isEmpty: Bool { regions.isEmpty && exclusions.isEmpty }

    /// Reads a regions file (JSON, documented in the README).
    public static func load(from url: URL) throws(PipelineError) -> UserRegions {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .regionsFile(path: url.path, reason: "cannot read it (\(error.localizedDescription))")
        }
        let decoded: UserRegions
        do {
            decoded = try JSONDecoder().decode(UserRegions.self, from: data)
        } catch {
            throw .regionsFile(path: url.path, reason: JSONProblem.describe(error))
        }
        guard decoded.version == formatVersion else {
            throw .regionsFile(
                path: url.path,
                reason: "format version \(decoded.version) is not supported (this build reads \(formatVersion))"
            )
        }
        for region in decoded.regions + decoded.exclusions {
            let name = region.label ?? "unnamed"
            if region.shape == .polygon {
                guard (region.points?.count ?? 0) >= 3 else {
                    throw .regionsFile(path: url.path, reason: "polygon '\(name)' needs at least 3 points")
                }
            } else if region.box.isEmpty && region.keyframes.isEmpty {
                throw .regionsFile(path: url.path, reason: "region '\(name)' has an empty box")
            }
        }
        return decoded
    }

    /// The manual masks active at `time` (nil for stills).
    public func masks(at time: Double?) -> [MaskRegion] {
        regions.compactMap { region in
            guard let box = region.box(at: time) else { return nil }
            if region.shape == .polygon, let points = region.points {
                return MaskRegion(polygon: points, objectClass: .face)
            }
            return MaskRegion(box: box, shape: region.shape == .polygon ? .box : region.shape, objectClass: .face)
        }
    }

    /// Splits detections into those to mask and those an exclusion covers (by box centre).
    public func applyingExclusions(to detections: [Detection], at time: Double?) -> (kept: [Detection], excluded: Int) {
        let active = UserRegions(regions: exclusions).masks(at: time)
        guard !active.isEmpty else { return (detections, 0) }
        let kept = detections.filter { detection in
            !active.contains { $0.contains(detection.box.center) }
        }
        return (kept, detections.count - kept.count)
    }
}
