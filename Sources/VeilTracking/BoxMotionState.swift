public import VeilGeometry

/// Where a tracked box is and how it moves: the state a ``KalmanBoxFilter`` predicts and
/// corrects.
///
/// The state is centre x, centre y, width and height, each with a velocity in pixels per frame
/// and its own uncertainty. Create one with ``KalmanBoxFilter/initialState(for:)``.
public struct BoxMotionState: Hashable, Sendable {
    var centerX: AxisEstimate
    var centerY: AxisEstimate
    var width: AxisEstimate
    var height: AxisEstimate

    /// The estimated box.
    public var box: Box {
        Box(center: Point(x: centerX.position, y: centerY.position), width: width.position, height: height.position)
    }

    /// The estimated motion of the box centre, in pixels per frame.
    public var centerVelocity: Point { Point(x: centerX.velocity, y: centerY.velocity) }

    /// The estimated growth of the width, in pixels per frame.
    public var widthVelocity: Double { width.velocity }

    /// The estimated growth of the height, in pixels per frame.
    public var heightVelocity: Double { height.velocity }

    /// Stops the size from changing in later predictions (ByteTrack does this for lost tracks,
    /// whose size would otherwise drift towards zero or infinity with nothing to correct it).
    public mutating func freezeSize() {
        width.velocity = 0
        height.velocity = 0
    }
}
