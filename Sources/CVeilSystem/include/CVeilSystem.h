// Process-level tuning that Swift's Glibc module does not expose (malloc.h).
#ifndef CVEIL_SYSTEM_H
#define CVEIL_SYSTEM_H

/// Serve allocations up to `bytes` from the heap instead of fresh mmap'd pages, and keep up to
/// twice that free at the top of the heap. Returns 0 on success.
int CVeilSystem_keepLargeAllocationsInHeap(int bytes);

#endif
