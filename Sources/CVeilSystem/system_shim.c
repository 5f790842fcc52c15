#include "CVeilSystem.h"

#include <malloc.h>
#include <sys/ioctl.h>

int CVeilSystem_keepLargeAllocationsInHeap(int bytes) {
#ifdef M_MMAP_THRESHOLD
    int ok = mallopt(M_MMAP_THRESHOLD, bytes) && mallopt(M_TRIM_THRESHOLD, bytes * 2);
    return ok ? 0 : 1;
#else
    (void)bytes;
    return 1;
#endif
}

int CVeilSystem_terminalColumns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}
