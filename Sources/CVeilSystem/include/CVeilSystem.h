// Process-level tuning that Swift's Glibc module does not expose (malloc.h).
#ifndef CVEIL_SYSTEM_H
#define CVEIL_SYSTEM_H

/// Serve allocations up to `bytes` from the heap instead of fresh mmap'd pages, and keep up to
/// twice that free at the top of the heap. Returns 0 on success.
int CVeilSystem_keepLargeAllocationsInHeap(int bytes);

/// Starts one detached thread that hands the allocator's free pages back to the system
/// (glibc's malloc_trim) every `milliseconds`, for the rest of the process. Freed blocks in the
/// middle of a heap otherwise stay resident until reused. Returns 0 once the thread runs; 1
/// where there is no such call, or the thread could not start; a second call does nothing.
int CVeilSystem_returnFreePagesPeriodically(int milliseconds);

/// The width in columns of the terminal behind `fd` (TIOCGWINSZ), or 0 when `fd` is not a
/// terminal or the terminal does not say. Exists because `ioctl` is variadic, which Swift
/// cannot call. Writes only into a local `struct winsize`.
int CVeilSystem_terminalColumns(int fd);

/// Installs a handler for SIGINT and SIGTERM (sigaction, SA_RESTART) that only records the first
/// signal received, replacing their default (terminate), and unblocks both on the calling
/// thread (a parent may have passed them on blocked). Armed synchronously: unlike a dispatch
/// signal source, which is registered on libdispatch's manager thread some time after it is
/// resumed, there is no window in which a Ctrl-C is ignored. Exists because a Swift closure
/// cannot be an async-signal-safe handler.
void CVeilSystem_armInterrupts(void);

/// The first SIGINT/SIGTERM received since CVeilSystem_armInterrupts, or 0.
int CVeilSystem_receivedInterrupt(void);

/// Restores the default disposition of SIGINT and SIGTERM.
void CVeilSystem_disarmInterrupts(void);

#endif
