// Planar 4:2:0 layout, colour matrices, and the scaler that makes small BGR copies of frames for
// the detectors (CVeilAV_planarToBGR).
#include "CVeilAV.h"
#include "av_pixels.h"

#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixfmt.h>
#include <stdio.h>
#include <stdlib.h>

/// The BT.601/709/… coefficient table swscale uses for an FFmpeg colour space.
const int *CVeilAV_coefficients(int colorspace) {
    return sws_getCoefficients(colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : colorspace);
}

/// Makes a YUV↔BGR converter use the input's matrix and range, so BGR pixels are right and the
/// round trip lands back on the same YUV values the output is tagged with.
void CVeilAV_matchColorspace(struct SwsContext *converter, int colorspace, int isFullRange) {
    const int *table = CVeilAV_coefficients(colorspace);
    sws_setColorspaceDetails(converter, table, isFullRange, table, isFullRange, 0, 1 << 16, 1 << 16);
}

/// The byte size of one planar 8-bit 4:2:0 picture: Y, then Cb, then Cr, rows unpadded.
size_t CVeilAV_planarSize(int width, int height) {
    size_t chroma = (size_t)((width + 1) / 2) * ((height + 1) / 2);
    return (size_t)width * height + 2 * chroma;
}

/// Plane pointers and strides into one contiguous planar 4:2:0 buffer.
void CVeilAV_planarLayout(uint8_t *buffer, int width, int height, uint8_t *planes[4], int strides[4]) {
    int chromaWidth = (width + 1) / 2;
    size_t chroma = (size_t)chromaWidth * ((height + 1) / 2);
    planes[0] = buffer;
    planes[1] = buffer + (size_t)width * height;
    planes[2] = planes[1] + chroma;
    planes[3] = NULL;
    strides[0] = width;
    strides[1] = chromaWidth;
    strides[2] = chromaWidth;
    strides[3] = 0;
}

// MARK: - Frames with FFmpeg's padding

/// Byte alignment of every plane row (and of each plane's start) in the frames we hand to
/// swscale: 64 covers AVX-512, the widest SIMD FFmpeg 5.1 uses.
#define CVEILAV_FRAME_ALIGN 64

int CVeilAV_ensureFrame(AVFrame **frame, int format, int width, int height) {
    if (*frame && (*frame)->format == format && (*frame)->width == width && (*frame)->height == height) {
        return av_frame_make_writable(*frame) < 0 ? 1 : 0;
    }
    av_frame_free(frame);
    *frame = av_frame_alloc();
    if (!*frame) return 1;
    (*frame)->format = format;
    (*frame)->width = width;
    (*frame)->height = height;
    // av_frame_get_buffer rounds every linesize up to the alignment and adds slack after the
    // last row of each plane: exactly what swscale's SIMD readers and writers assume (they work
    // in blocks of 8–32 pixels and may touch up to a block past a row's visible end).
    if (av_frame_get_buffer(*frame, CVEILAV_FRAME_ALIGN) < 0) {
        av_frame_free(frame);
        return 1;
    }
    return 0;
}

void CVeilAV_copyPlanarIn(AVFrame *frame, const uint8_t *yuv, int width, int height) {
    uint8_t *planes[4];
    int strides[4];
    CVeilAV_planarLayout((uint8_t *)yuv, width, height, planes, strides);
    int chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2;
    av_image_copy_plane(frame->data[0], frame->linesize[0], planes[0], strides[0], width, height);
    av_image_copy_plane(frame->data[1], frame->linesize[1], planes[1], strides[1], chromaWidth, chromaHeight);
    av_image_copy_plane(frame->data[2], frame->linesize[2], planes[2], strides[2], chromaWidth, chromaHeight);
}

void CVeilAV_copyPlanarOut(const AVFrame *frame, uint8_t *yuv, int width, int height) {
    uint8_t *planes[4];
    int strides[4];
    CVeilAV_planarLayout(yuv, width, height, planes, strides);
    int chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2;
    av_image_copy_plane(planes[0], strides[0], frame->data[0], frame->linesize[0], width, height);
    av_image_copy_plane(planes[1], strides[1], frame->data[1], frame->linesize[1], chromaWidth, chromaHeight);
    av_image_copy_plane(planes[2], strides[2], frame->data[2], frame->linesize[2], chromaWidth, chromaHeight);
}

// MARK: - Scaling for detectors

struct CVeilAV_Scaler {
    struct SwsContext *context;
    int colorspace;
    int isFullRange;
    /// The picture swscale reads: the caller's unpadded planes copied into FFmpeg-padded ones.
    /// Scratch: allocated and freed within each call.
    AVFrame *source;
    /// The BGR picture swscale writes, padded; copied row by row into the caller's buffer.
    /// Scratch, as `source`.
    AVFrame *target;
};

// Buffer contract (see docs/DECISIONS.md, "Native buffer contracts"): swscale may read and
// write up to a SIMD block past the visible end of every row (its unscaled yuv420p→bgr24
// converter works in 16-pixel steps and writes up to 24 bytes too many per row), so it is only
// ever given frames from av_frame_get_buffer — aligned rows, padded planes — never the caller's
// exact-sized buffers. The caller's buffers are touched only by av_image_copy_plane, which
// copies exactly `width` bytes per row.
int CVeilAV_planarToBGR(CVeilAV_Scaler **scaler, const uint8_t *yuv, int width, int height, int colorspace,
                        int isFullRange, uint8_t *bgr, int targetWidth, int targetHeight, char *error,
                        size_t errorLength) {
    if (width <= 0 || height <= 0 || targetWidth <= 0 || targetHeight <= 0) {
        snprintf(error, errorLength, "cannot scale %dx%d to %dx%d", width, height, targetWidth, targetHeight);
        return 1;
    }
    if (!*scaler) {
        *scaler = calloc(1, sizeof **scaler);
        if (!*scaler) {
            snprintf(error, errorLength, "out of memory");
            return 1;
        }
        (*scaler)->colorspace = -1;
    }
    CVeilAV_Scaler *state = *scaler;
    // Area averaging when shrinking (no aliasing of fine detail), bilinear otherwise.
    int flags = targetWidth < width ? SWS_AREA : SWS_BILINEAR;
    struct SwsContext *context = sws_getCachedContext(state->context, width, height, AV_PIX_FMT_YUV420P, targetWidth,
                                                      targetHeight, AV_PIX_FMT_BGR24, flags, NULL, NULL, NULL);
    if (!context) {
        snprintf(error, errorLength, "cannot set up a %dx%d → %dx%d scaler", width, height, targetWidth, targetHeight);
        return 1;
    }
    if (context != state->context || state->colorspace != colorspace || state->isFullRange != isFullRange) {
        state->context = context;
        state->colorspace = colorspace;
        state->isFullRange = isFullRange;
        CVeilAV_matchColorspace(context, colorspace, isFullRange);
    }
    if (CVeilAV_ensureFrame(&state->source, AV_PIX_FMT_YUV420P, width, height) ||
        CVeilAV_ensureFrame(&state->target, AV_PIX_FMT_BGR24, targetWidth, targetHeight)) {
        snprintf(error, errorLength, "out of memory for a %dx%d → %dx%d conversion", width, height, targetWidth,
                 targetHeight);
        return 1;
    }
    CVeilAV_copyPlanarIn(state->source, yuv, width, height);
    int rows = sws_scale(context, (const uint8_t *const *)state->source->data, state->source->linesize, 0, height,
                         state->target->data, state->target->linesize);
    if (rows == targetHeight) {
        av_image_copy_plane(bgr, targetWidth * 3, state->target->data[0], state->target->linesize[0],
                            targetWidth * 3, targetHeight);
    } else {
        snprintf(error, errorLength, "the %dx%d → %dx%d conversion wrote %d of %d rows", width, height, targetWidth,
                 targetHeight, rows, targetHeight);
    }
    // The padded frames are scratch for this call only: kept, each scaler (one per detection
    // size and one for verification) would hold a full-size copy of the picture between calls
    // (3.1 MB at 1080p); freed, the allocator hands the same block to the next call.
    av_frame_free(&state->source);
    av_frame_free(&state->target);
    return rows == targetHeight ? 0 : 1;
}

void CVeilAV_freeScaler(CVeilAV_Scaler *scaler) {
    if (!scaler) return;
    sws_freeContext(scaler->context);
    av_frame_free(&scaler->source);
    av_frame_free(&scaler->target);
    free(scaler);
}
