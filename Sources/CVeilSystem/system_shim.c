#include "CVeilSystem.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

int CVeilSystem_keepLargeAllocationsInHeap(int bytes) {
#ifdef M_MMAP_THRESHOLD
    int ok = mallopt(M_MMAP_THRESHOLD, bytes) && mallopt(M_TRIM_THRESHOLD, bytes * 2);
    return ok ? 0 : 1;
#else
    (void)bytes;
    return 1;
#endif
}

static int trimInterval;

static void *returnFreePages(void *unused) {
    (void)unused;
    struct timespec interval = {trimInterval / 1000, (long)(trimInterval % 1000) * 1000000L};
    for (;;) {
        nanosleep(&interval, NULL);
#ifdef __GLIBC__
        malloc_trim(0);
#endif
    }
    return NULL;
}

int CVeilSystem_returnFreePagesPeriodically(int milliseconds) {
#ifdef __GLIBC__
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int started;
    if (milliseconds <= 0) return 1;
    pthread_mutex_lock(&lock);
    int rc = 0;
    if (!started) {
        trimInterval = milliseconds;
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        // Started with every signal blocked (the thread inherits the mask; the caller's is restored):
        // SIGINT/SIGTERM are for the threads that handle them.
        sigset_t all, previous;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &previous);
        rc = pthread_create(&thread, &attributes, returnFreePages, NULL) == 0 ? 0 : 1;
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
        pthread_attr_destroy(&attributes);
        started = rc == 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
#else
    (void)milliseconds;
    return 1;
#endif
}

int CVeilSystem_terminalColumns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

static volatile sig_atomic_t receivedInterrupt = 0;

static void recordInterrupt(int signalNumber) {
    if (!receivedInterrupt) receivedInterrupt = signalNumber;
}

void CVeilSystem_armInterrupts(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = recordInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    // A parent may have started Veil with these signals blocked (Foundation's Process passes on
    // its threads' mask): blocked, they would wait forever instead of reaching the handler.
    sigset_t interrupts;
    sigemptyset(&interrupts);
    sigaddset(&interrupts, SIGINT);
    sigaddset(&interrupts, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &interrupts, NULL);
}

int CVeilSystem_receivedInterrupt(void) { return receivedInterrupt; }

void CVeilSystem_disarmInterrupts(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}
