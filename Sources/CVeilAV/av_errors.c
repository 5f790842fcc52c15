// FFmpeg log capture (the library never prints) and the error text CVeilAV's functions return.
#include "av_errors.h"

#include <libavutil/avutil.h>
#include <libavutil/log.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// MARK: - Log capture

// FFmpeg prints to stderr by default; a library must not. The callback keeps the last
// error-level line so that failures can quote what the decoder or muxer said.
static pthread_mutex_t logLock = PTHREAD_MUTEX_INITIALIZER;
static char lastLogLine[CVEILAV_LOG_LINE];
static uint64_t logSerial;
static pthread_once_t logOnce = PTHREAD_ONCE_INIT;

static void captureLog(void *context, int level, const char *format, va_list arguments) {
    (void)context;
    if (level > AV_LOG_ERROR) return;
    char line[CVEILAV_LOG_LINE];
    vsnprintf(line, sizeof line, format, arguments);
    size_t length = strlen(line);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == ' ' || line[length - 1] == '.')) {
        line[--length] = 0;
    }
    if (length == 0) return;
    pthread_mutex_lock(&logLock);
    memcpy(lastLogLine, line, length + 1);
    logSerial += 1;
    pthread_mutex_unlock(&logLock);
}

static void installOnce(void) { av_log_set_callback(captureLog); }

void CVeilAV_installLogCapture(void) { pthread_once(&logOnce, installOnce); }

uint64_t CVeilAV_logMark(void) {
    pthread_mutex_lock(&logLock);
    uint64_t serial = logSerial;
    pthread_mutex_unlock(&logLock);
    return serial;
}

/// What FFmpeg said about a failure: its last logged error since `mark`, else the code's text.
void CVeilAV_describe(int code, uint64_t mark, char *reason, size_t length) {
    pthread_mutex_lock(&logLock);
    int logged = logSerial != mark;
    if (logged) snprintf(reason, length, "%s", lastLogLine);
    pthread_mutex_unlock(&logLock);
    if (!logged) av_strerror(code, reason, length);
}

int CVeilAV_lastLogLine(char *line, size_t length) {
    pthread_mutex_lock(&logLock);
    int any = logSerial != 0;
    if (any) snprintf(line, length, "%s", lastLogLine);
    pthread_mutex_unlock(&logLock);
    return any;
}

// MARK: - Errors

int CVeilAV_fail(char *error, size_t errorLength, const char *format, ...) {
    if (error && errorLength) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(error, errorLength, format, arguments);
        va_end(arguments);
    }
    return 1;
}

/// Fails with "<what>: <FFmpeg's reason>".
int CVeilAV_failWith(int code, uint64_t mark, char *error, size_t errorLength, const char *what) {
    char reason[CVEILAV_LOG_LINE];
    CVeilAV_describe(code, mark, reason, sizeof reason);
    return CVeilAV_fail(error, errorLength, "%s '%s'", what, reason);
}
