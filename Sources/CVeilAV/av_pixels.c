// Planar 4:2:0 layout, colour matrices, and the scaler that makes small BGR copies of frames for
// the detectors (CVeilAV_planarToBGR).
#include "CVeilAV.h"
#include "av_pixels.h"

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

// MARK: - Scaling for detectors

struct CVeilAV_Scaler {
    struct SwsContext *context;
    int colorspace;
    int isFullRange;
};

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
    uint8_t *source[4];
    int sourceStrides[4];
    CVeilAV_planarLayout((uint8_t *)yuv, width, height, source, sourceStrides);
    uint8_t *target[4] = {bgr, NULL, NULL, NULL};
    int targetStrides[4] = {targetWidth * 3, 0, 0, 0};
    sws_scale(context, (const uint8_t *const *)source, sourceStrides, 0, height, target, targetStrides);
    return 0;
}

void CVeilAV_freeScaler(CVeilAV_Scaler *scaler) {
    if (!scaler) return;
    sws_freeContext(scaler->context);
    free(scaler);
}
