import CVeilSystem

/// glibc serves every allocation above 128 KB with a fresh `mmap` and unmaps it on free, so
/// each video frame (several MB of pixels, tensors and model outputs) costs page faults and the
/// kernel zeroing new pages: ~15 % of all CPU time in a 1080p run (perf). Raising the threshold
/// keeps such buffers in the heap for reuse.
enum MemoryTuning {
    static let mmapThresholdBytes: Int32 = 64 << 20

    static func apply() {
        _ = CVeilSystem_keepLargeAllocationsInHeap(mmapThresholdBytes)
    }
}
