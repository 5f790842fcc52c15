// Process-level tuning that Swift's Glibc module does not expose (malloc.h).
#ifndef CVEIL_SYSTEM_H
#define CVEIL_SYSTEM_H

/// Serve allocations up to `bytes` from the heap instead of fresh mmap'd pages, and keep up to
/// twice that free at the top of the heap. Returns 0 on success.
int CVeilSystem_keepLargeAllocationsInHeap(int bytes);

/// The width in columns of the terminal behind `fd` (TIOCGWINSZ), or 0 when `fd` is not a
/// terminal or the terminal does not say. Exists because `ioctl` is variadic, which Swift
/// cannot call. Writes only into a local `struct winsize`.
int CVeilSystem_terminalColumns(int fd);

#endif
