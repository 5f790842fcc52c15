// FFmpeg log capture and error text, shared by CVeilAV's C files. Private to CVeilAV.
#ifndef CVEIL_AV_ERRORS_H
#define CVEIL_AV_ERRORS_H

#include <stddef.h>
#include <stdint.h>

/// Size of the captured FFmpeg log line quoted in error messages.
#define CVEILAV_LOG_LINE 256

/// Routes FFmpeg's log into Veil's capture (once per process); nothing is printed.
void CVeilAV_installLogCapture(void);

/// A mark to compare against: the number of error lines captured so far.
uint64_t CVeilAV_logMark(void);

/// What FFmpeg said about a failure: its last logged error since `mark`, else the code's text.
void CVeilAV_describe(int code, uint64_t mark, char *reason, size_t length);

/// Copies the last captured error line; returns 0 when nothing was ever logged.
int CVeilAV_lastLogLine(char *line, size_t length);

/// Writes a formatted message into `error` and returns 1 (the failure status).
int CVeilAV_fail(char *error, size_t errorLength, const char *format, ...) __attribute__((format(printf, 3, 4)));

/// Fails with "<what> '<FFmpeg's reason>'".
int CVeilAV_failWith(int code, uint64_t mark, char *error, size_t errorLength, const char *what);

#endif
