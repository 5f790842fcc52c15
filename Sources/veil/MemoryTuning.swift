import CVeilSystem

/// Process-level allocator settings, applied once at start.
///
/// glibc serves every allocation above 128 KB with a fresh `mmap` and unmaps it on free, so
/// each video frame (several MB of pixels, tensors and model outputs) costs page faults and the
/// kernel zeroing new pages: ~15 % of all CPU time in a 1080p run (perf). Raising the threshold
/// keeps such buffers in the heap for reuse.
///
/// The heap then keeps the pages of freed blocks resident until a later allocation reuses them;
/// handing them back once a second lowered peak RSS of the 1080p bench clip by ~15 MB for about
/// 6 ms of CPU per second (docs/DECISIONS.md, "Memory: free pages handed back").
enum MemoryTuning {
    static let mmapThresholdBytes: Int32 = 64 << 20
    static let trimIntervalMilliseconds: Int32 = 1000

    static func apply() {
        _ = CVeilSystem_keepLargeAllocationsInHeap(mmapThresholdBytes)
        _ = CVeilSystem_returnFreePagesPeriodically(trimIntervalMilliseconds)
    }
}
