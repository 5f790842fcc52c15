public import VeilGeometry

/// A constant-velocity Kalman filter on boxes, with ByteTrack's noise model.
///
/// Noise scales with the box: a 200 px face may jump further between frames than a 20 px one.
/// The x coordinates (centre x, width) scale with the width and the y coordinates with the
/// height, as in the BoT-SORT `xywh` variant of ByteTrack's filter (ByteTrack itself estimates
/// the aspect ratio; width and height behave better for plates, whose aspect changes with the
/// viewing angle).
///
/// ```swift
/// let filter = KalmanBoxFilter()
/// var state = filter.initialState(for: Box(x: 0, y: 0, width: 40, height: 40))
/// filter.predict(&state)
/// filter.correct(&state, with: Box(x: 3, y: 0, width: 40, height: 40))
/// ```
public struct KalmanBoxFilter: Hashable, Sendable {
    /// Standard deviation of the per-frame position noise and of the measurement noise, as a
    /// fraction of the box size. ByteTrack uses 1/20. Raising this trusts detections more than
    /// the motion model (masks follow sudden moves quickly) but risks passing detector jitter
    /// straight into the predictions of lost tracks.
    public var positionNoiseFraction: Double
    /// Standard deviation of the per-frame velocity noise, as a fraction of the box size.
    /// ByteTrack uses 1/160. Raising this lets the velocity adapt faster to turns and stops but
    /// risks noisy velocities that fling the prediction of a lost track away from the object.
    public var velocityNoiseFraction: Double
    /// How many times the position noise a new track starts with. ByteTrack uses 2.
    public var initialPositionUncertainty: Double
    /// How many times the velocity noise a new track starts with. ByteTrack uses 10: the first
    /// velocity is unknown, so the first corrections should move it freely.
    public var initialVelocityUncertainty: Double
    /// The smallest width or height a prediction may shrink to, in pixels, so that a box
    /// predicted from a shrinking object never becomes empty (and never stops being masked).
    public var minimumSide: Double

    /// A filter with these noise parameters.
    public init(
        positionNoiseFraction: Double = 1.0 / 20,
        velocityNoiseFraction: Double = 1.0 / 160,
        initialPositionUncertainty: Double = 2,
        initialVelocityUncertainty: Double = 10,
        minimumSide: Double = 1
    ) {
        self.positionNoiseFraction = positionNoiseFraction
        self.velocityNoiseFraction = velocityNoiseFraction
        self.initialPositionUncertainty = initialPositionUncertainty
        self.initialVelocityUncertainty = initialVelocityUncertainty
        self.minimumSide = minimumSide
    }

    /// The state of a new track first seen at `box`, at rest and uncertain.
    public func initialState(for box: Box) -> BoxMotionState {
        let width = max(box.width, minimumSide)
        let height = max(box.height, minimumSide)
        func axis(_ value: Double, scale: Double) -> AxisEstimate {
            AxisEstimate(
                measurement: value,
                positionDeviation: initialPositionUncertainty * positionNoiseFraction * scale,
                velocityDeviation: initialVelocityUncertainty * velocityNoiseFraction * scale
            )
        }
        return BoxMotionState(
            centerX: axis(box.center.x, scale: width),
            centerY: axis(box.center.y, scale: height),
            width: axis(width, scale: width),
            height: axis(height, scale: height)
        )
    }

    /// Advances the state by one frame.
    public func predict(_ state: inout BoxMotionState) {
        let width = max(state.width.position, minimumSide)
        let height = max(state.height.position, minimumSide)
        let horizontal = (position: positionNoiseFraction * width, velocity: velocityNoiseFraction * width)
        let vertical = (position: positionNoiseFraction * height, velocity: velocityNoiseFraction * height)
        state.centerX.predict(positionNoise: horizontal.position, velocityNoise: horizontal.velocity)
        state.centerY.predict(positionNoise: vertical.position, velocityNoise: vertical.velocity)
        state.width.predict(positionNoise: horizontal.position, velocityNoise: horizontal.velocity)
        state.height.predict(positionNoise: vertical.position, velocityNoise: vertical.velocity)
        state.width.position = max(state.width.position, minimumSide)
        state.height.position = max(state.height.position, minimumSide)
    }

    /// Corrects the (predicted) state with a measured box.
    public func correct(_ state: inout BoxMotionState, with measurement: Box) {
        let width = max(state.width.position, minimumSide)
        let height = max(state.height.position, minimumSide)
        state.centerX.correct(measurement: measurement.center.x, measurementNoise: positionNoiseFraction * width)
        state.centerY.correct(measurement: measurement.center.y, measurementNoise: positionNoiseFraction * height)
        state.width.correct(measurement: measurement.width, measurementNoise: positionNoiseFraction * width)
        state.height.correct(measurement: measurement.height, measurementNoise: positionNoiseFraction * height)
        state.width.position = max(state.width.position, minimumSide)
        state.height.position = max(state.height.position, minimumSide)
    }
}
