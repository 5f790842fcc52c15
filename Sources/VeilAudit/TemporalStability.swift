public import VeilGeometry

/// How steady a video's masks are: per track, how much its mask box changes from frame to frame
/// (jitter) and how often its mask disappears and comes back (flicker). Both matter to a viewer
/// (a jumping or blinking mask draws the eye) and flicker matters to privacy (a frame without
/// the mask shows the face).
///
/// Jitter is the second difference of the box's centre and size, ÷ the box's shorter side: a
/// face moving at constant speed has none, a box that shakes around the face has much. The
/// first difference (1 − IoU of consecutive boxes) is reported beside it and includes the
/// face's own motion.
///
/// ```swift
/// let stability = TemporalStability(tracks: [[(frame: 0, box: a), (frame: 1, box: b)]])
/// print(stability.meanJitter, stability.flickerCount)
/// ```
/// - Complexity: O(n) in the number of boxes.
public struct TemporalStability: Sendable, Hashable, Codable {
    /// One track's figures.
    public struct TrackStability: Sendable, Hashable, Codable {
        /// The track's ID (as in the tracks file).
        public var id: Int
        /// Frames with a mask box.
        public var frames: Int
        /// Mean of |Δ² centre| and |Δ² size| over the shorter side, over consecutive triples.
        public var meanJitter: Double
        /// Mean 1 − IoU of consecutive boxes.
        public var meanBoxChange: Double
        /// Times the mask disappeared between the track's first and last frame and came back.
        public var flickerCount: Int
        /// Frames inside the track's span without a mask box.
        public var missingFrames: Int
    }

    /// Per track, in the order given.
    public var tracks: [TrackStability]
    /// Mean of the tracks' jitter, weighted by their frames (0 without tracks).
    public var meanJitter: Double
    /// The 95th percentile of per-frame jitter over all tracks.
    public var jitter95: Double
    /// Mean 1 − IoU of consecutive boxes over all tracks.
    public var meanBoxChange: Double
    /// Disappear-and-reappear events over all tracks: 0 is the goal.
    public var flickerCount: Int
    /// Tracks with at least one flicker.
    public var flickeringTrackCount: Int

    /// Measures each track's boxes (any order; frames are sorted, one box per frame kept).
    public init(tracks: [(id: Int, boxes: [(frame: Int, box: Box)])]) {
        var all: [TrackStability] = []
        var jitters: [Double] = []
        var changes: [Double] = []
        for track in tracks {
            var seen = Set<Int>()
            let boxes = track.boxes.sorted { $0.frame < $1.frame }.filter { seen.insert($0.frame).inserted }
            var trackJitters: [Double] = []
            var trackChanges: [Double] = []
            var flickers = 0
            var missing = 0
            for index in boxes.indices.dropFirst() {
                let (previous, current) = (boxes[index - 1], boxes[index])
                let gap = current.frame - previous.frame - 1
                if gap > 0 {
                    flickers += 1
                    missing += gap
                    continue
                }
                trackChanges.append(1 - previous.box.iou(current.box))
                if index >= 2, boxes[index - 2].frame == previous.frame - 1 {
                    trackJitters.append(Self.jitter(boxes[index - 2].box, previous.box, current.box))
                }
            }
            jitters += trackJitters
            changes += trackChanges
            all.append(
                TrackStability(
                    id: track.id, frames: boxes.count, meanJitter: Self.mean(trackJitters),
                    meanBoxChange: Self.mean(trackChanges), flickerCount: flickers, missingFrames: missing))
        }
        self.tracks = all
        meanJitter = Self.mean(jitters)
        jitter95 = jitters.isEmpty ? 0 : jitters.sorted()[min(jitters.count - 1, Int(0.95 * Double(jitters.count)))]
        meanBoxChange = Self.mean(changes)
        flickerCount = all.map(\.flickerCount).reduce(0, +)
        flickeringTrackCount = all.count { $0.flickerCount > 0 }
    }

    /// |Δ² centre| + |Δ² width| + |Δ² height| of three consecutive boxes ÷ the middle box's
    /// shorter side (each term an L1 over its coordinates).
    static func jitter(_ a: Box, _ b: Box, _ c: Box) -> Double {
        let side = max(1, min(b.width, b.height))
        let centre =
            abs(a.center.x - 2 * b.center.x + c.center.x) + abs(a.center.y - 2 * b.center.y + c.center.y)
        let size = abs(a.width - 2 * b.width + c.width) + abs(a.height - 2 * b.height + c.height)
        return (centre + size) / side
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
