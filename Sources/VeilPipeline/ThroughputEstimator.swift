import Foundation

/// Frames per second and time left, from a count that grows over time.
///
/// A video's first output frame waits for the look-ahead window to fill (a second of video
/// detected before anything is written), so a rate averaged from the start is far too low at
/// first: the old estimate began at about 20 times the real time left and crept down for
/// minutes. This estimator starts measuring at the first counted item, publishes nothing for
/// ``warmUpSeconds``, then smooths the rate exponentially over about ``smoothingSeconds``, so the
/// estimate settles within a few seconds and follows real changes in speed.
///
/// ```swift
/// var estimator = ThroughputEstimator()
/// estimator.record(count: 30, at: 2.0)   // first output: measuring starts
/// estimator.record(count: 60, at: 4.0)
/// estimator.rate                          // 15 frames per second
/// estimator.secondsLeft(total: 300)       // 16 s
/// ```
public struct ThroughputEstimator: Sendable {
    /// Seconds after the first counted item before a rate is published.
    public var warmUpSeconds: Double
    /// Time constant of the exponential smoothing: longer is steadier and slower to follow.
    public var smoothingSeconds: Double
    private var origin: (time: Double, count: Int)?
    private var last: (time: Double, count: Int)?
    /// Items per second; nil until warmed up.
    public private(set) var rate: Double?
    /// The latest count.
    public private(set) var count = 0

    /// - Parameters:
    ///   - warmUpSeconds: how long to measure before publishing a rate (default 1.5 s).
    ///   - smoothingSeconds: the smoothing time constant (default 4 s).
    public init(warmUpSeconds: Double = 1.5, smoothingSeconds: Double = 4) {
        self.warmUpSeconds = warmUpSeconds
        self.smoothingSeconds = smoothingSeconds
    }

    /// Records that `count` items are done at `time` (seconds, any fixed origin).
    public mutating func record(count: Int, at time: Double) {
        self.count = count
        guard count > 0 else { return }
        guard let origin, let last else {
            origin = (time, count)
            last = (time, count)
            return
        }
        let interval = time - last.time
        guard interval > 0 else { return }
        if let rate {
            let instantaneous = Double(count - last.count) / interval
            let weight = 1 - exp(-interval / smoothingSeconds)
            self.rate = rate + weight * (instantaneous - rate)
        } else if time - origin.time >= warmUpSeconds {
            rate = Double(count - origin.count) / (time - origin.time)
        }
        self.last = (time, count)
    }

    /// Seconds until `total` items are done at the current rate; nil before warm-up or when the
    /// total is unknown.
    public func secondsLeft(total: Int?) -> Double? {
        guard let total, let rate, rate > 0 else { return nil }
        return Double(max(0, total - count)) / rate
    }
}
