// Private to CVeilAV: the session struct both halves share (av_session.c opens and reads,
// av_output.c creates the output and writes, av_skipping.c numbers frames while the reader
// skips some), and the muxing call both use.
#pragma once
#include "CVeilAV.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Scaling algorithm for same-size pixel format conversions (a 10-bit or 4:4:4 input to 4:2:0):
/// only the format changes; bilinear keeps chroma smooth and takes swscale's fast unscaled paths.
#define CVEILAV_SWS_FLAGS SWS_BILINEAR

/// How many frames the encoder may hold back (threads + lookahead + B-frames) while we still
/// remember each frame's duration; x264/x265 stay well under this even at veryslow with 16+
/// threads. A miss only costs the muxer a guessed duration, never a frame.
#define CVEILAV_DURATION_SLOTS 1024

// MARK: - Session

typedef struct {
    int64_t pts;
    int64_t duration;
} DurationSlot;

/// Video packets a skipping session (CVeilAV_skipFramesUnless) has sent whose frame has not
/// come out yet: at most this many (the decoder's reorder delay plus the frames it skipped in
/// between is a few dozen at most). More means the stream is not what skipping assumes.
#define CVEILAV_PENDING_PACKETS 256

/// One video packet sent to a skipping session's decoder whose frame is not numbered yet.
typedef struct {
    int64_t pts;
    int64_t duration;
    /// Whether it was sent with `skip_frame` = AVDISCARD_NONREF and its index was not needed
    /// (its frame may still come out: a reference frame is never discarded).
    int wasSkipped;
} PendingPacket;

struct CVeilAV_Session {
    // Reading side (touched only by readFrame).
    AVFormatContext *input;
    AVStream *videoStream;
    int videoIndex;
    AVCodecContext *decoder;
    AVPacket *readPacket;
    AVFrame *decoded;
    /// Converts frames that are not 8-bit 4:2:0 of the stream's size (10-bit, 4:2:2, 4:4:4,
    /// NV12, …, or a picture whose size changed mid-stream) to it.
    struct SwsContext *toPlanar;
    int toPlanarFormat;
    int toPlanarWidth;
    int toPlanarHeight;
    /// swscale's output for such frames: FFmpeg-padded, then copied into the caller's buffer.
    AVFrame *converted;
    /// Frames whose size differed from the stream's and were scaled to it; the first one's size.
    int64_t rescaledCount;
    int64_t firstRescaledIndex;
    int firstRescaledWidth;
    int firstRescaledHeight;
    int64_t decodedCount;
    int64_t nextPts;
    int isInputDrained;
    int isDecoderDone;
    /// Frame skipping (CVeilAV_skipFramesUnless); `isNeeded` NULL when off. Frames are then
    /// numbered by pts: a frame's index is the number of frames with a lower pts that came out
    /// or were skipped (see readFrame).
    CVeilAV_FrameFilter isNeeded;
    void *filterContext;
    /// Whether any packet was sent with skipping; until then an irregular stream turns
    /// skipping off and frames are counted as they come out, as without it.
    int hasSkipped;
    /// Sent packets whose frame has not been numbered, ascending by pts.
    PendingPacket pending[CVEILAV_PENDING_PACKETS];
    int pendingCount;
    /// The pts of the last frame numbered (delivered or reported skipped); valid once
    /// `decodedCount` > 0.
    int64_t lastNumberedPts;
    /// Whether `decoded` holds a frame received but not delivered yet: the skipped frames with
    /// a lower pts are reported first.
    int isHoldingFrame;

    // Shared facts fixed at open.
    int width;
    int height;
    int colorspace;
    int isFullRange;
    int64_t defaultDuration;
    unsigned inputStreamCount;
    int *streamMap; // input stream index → output stream index, or -1

    // Writing side (touched only by writeFrame/finish).
    AVFormatContext *output;
    AVStream *outputVideo;
    AVCodecContext *encoder;
    AVFrame *toEncode;
    /// With `maximumHeight`: scales `toEncodeSource` (the written 4:2:0 frame, input size) into
    /// `toEncode` (encoder size); NULL when the sizes agree.
    struct SwsContext *toEncodeScaler;
    /// The caller's planes copied into FFmpeg-allocated, padded memory before scaling (swscale's
    /// SIMD may read past a row's end; the caller's buffer is exact-sized).
    AVFrame *toEncodeSource;
    AVPacket *writePacket;
    DurationSlot durations[CVEILAV_DURATION_SLOTS];
    int64_t writtenCount;
    int isHeaderWritten;
    int isFinished;

    // Guards `output` between the reading side (copied packets) and the writing side.
    pthread_mutex_t muxLock;
};

/// Hands one packet to the muxer (which takes it over), under the lock the two sides share;
/// `what` and `index` name the packet in the error ("writing frame 12").
int CVeilAV_mux(CVeilAV_Session *session, AVPacket *packet, char *error, size_t errorLength, const char *what,
                int64_t index);

// MARK: - Frame skipping (av_skipping.c; used by CVeilAV_readFrame)

/// Records a video packet about to be sent to a skipping session's decoder; sets `*skip` when
/// it goes with `skip_frame` = AVDISCARD_NONREF. 1 (error written) when the read must fail.
int CVeilAV_registerPacket(CVeilAV_Session *session, const AVPacket *packet, int *skip, char *error,
                           size_t errorLength);
/// Checks the frame in `session->decoded` and holds it until the skipped frames before it are
/// reported: 0 held, 2 skipping just stopped (deliver it as counted), 1 failed.
int CVeilAV_numberFrame(CVeilAV_Session *session, char *error, size_t errorLength);
/// Hands out the next frame skipped before pts `before` (or, with `isEnd`, before the end);
/// 1 when one was reported.
int CVeilAV_reportSkipped(CVeilAV_Session *session, int64_t before, int isEnd, int64_t *pts, int64_t *duration,
                          int64_t *index, int *isSkipped);
