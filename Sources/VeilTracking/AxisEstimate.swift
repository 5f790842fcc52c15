/// A constant-velocity Kalman estimate of one box coordinate: a position, its velocity per
/// frame, and their 2 × 2 covariance.
///
/// ``KalmanBoxFilter`` runs four of these (centre x, centre y, width, height). ByteTrack's
/// 8-dimensional filter has block-diagonal transition, observation and noise matrices, so its
/// covariance never couples two coordinates: four independent 2-state filters compute exactly
/// the same estimate with scalar arithmetic and no matrix inversion.
struct AxisEstimate: Hashable, Sendable {
    /// The estimated coordinate, in pixels.
    var position: Double
    /// The estimated change of the coordinate per frame, in pixels.
    var velocity: Double
    /// Variance of `position`.
    var positionVariance: Double
    /// Covariance of `position` and `velocity`.
    var crossCovariance: Double
    /// Variance of `velocity`.
    var velocityVariance: Double

    /// A new estimate at a measured position with unknown (zero) velocity.
    init(measurement: Double, positionDeviation: Double, velocityDeviation: Double) {
        position = measurement
        velocity = 0
        positionVariance = positionDeviation * positionDeviation
        crossCovariance = 0
        velocityVariance = velocityDeviation * velocityDeviation
    }

    /// Advances one frame: position += velocity, uncertainty grows by the process noise.
    ///
    /// This is `x ← F x`, `P ← F P Fᵀ + Q` with `F = [[1, 1], [0, 1]]`, `Q = diag(σp², σv²)`.
    mutating func predict(positionNoise: Double, velocityNoise: Double) {
        position += velocity
        positionVariance += 2 * crossCovariance + velocityVariance + positionNoise * positionNoise
        crossCovariance += velocityVariance
        velocityVariance += velocityNoise * velocityNoise
    }

    /// Folds in one measurement of the position with the given standard deviation.
    ///
    /// This is the Kalman update with `H = [1, 0]`: the innovation covariance is a scalar
    /// `S = P₀₀ + σm²`, the gain `K = [P₀₀, P₀₁] / S`, and `P ← P − K S Kᵀ`.
    mutating func correct(measurement: Double, measurementNoise: Double) {
        let innovationVariance = positionVariance + measurementNoise * measurementNoise
        guard innovationVariance > 0 else { return }
        let positionGain = positionVariance / innovationVariance
        let velocityGain = crossCovariance / innovationVariance
        let innovation = measurement - position
        position += positionGain * innovation
        velocity += velocityGain * innovation
        let oldPositionVariance = positionVariance
        let oldCrossCovariance = crossCovariance
        positionVariance -= positionGain * oldPositionVariance
        crossCovariance -= positionGain * oldCrossCovariance
        velocityVariance -= velocityGain * oldCrossCovariance
    }
}
