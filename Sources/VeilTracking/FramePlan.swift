/// Everything to mask in one frame, final: no later frame will change it.
public struct FramePlan: Hashable, Sendable {
    /// The frame's position in the stream, counting from 0 in the order frames were pushed.
    public var frameIndex: Int
    /// Track boxes ordered by track ID, then unclaimed detections in detection order.
    public var boxes: [PlannedBox]

    /// A frame's plan.
    public init(frameIndex: Int, boxes: [PlannedBox]) {
        self.frameIndex = frameIndex
        self.boxes = boxes
    }
}
