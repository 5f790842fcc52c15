import Foundation

/// CPU time consumed by the calling thread, to attribute a run's CPU to its stages.
///
/// Wall time per stage overstates a stage whenever the machine is loaded (a thread waiting for a
/// core counts as busy); the thread's CPU clock counts only the time it actually ran, so the
/// breakdown holds on a busy machine too.
enum ThreadClock {
    /// Nanoseconds of CPU this thread has used (user and system); 0 where the clock is missing.
    static var nanoseconds: UInt64 {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// Wall and CPU time of one stage, accumulated over a run.
struct StageTime: Sendable {
    var wallNanoseconds: UInt64 = 0
    var cpuNanoseconds: UInt64 = 0

    /// Adds another measurement.
    mutating func add(_ other: StageTime) {
        wallNanoseconds += other.wallNanoseconds
        cpuNanoseconds += other.cpuNanoseconds
    }

    /// Runs `work`, adding its wall and CPU time.
    mutating func measure<Result, Failure: Error>(_ work: () throws(Failure) -> Result) throws(Failure) -> Result {
        let wall = DispatchTime.now().uptimeNanoseconds
        let cpu = ThreadClock.nanoseconds
        defer {
            wallNanoseconds += DispatchTime.now().uptimeNanoseconds - wall
            cpuNanoseconds += ThreadClock.nanoseconds &- cpu
        }
        return try work()
    }
}
