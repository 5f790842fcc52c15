// Pixel layout and colour helpers shared by the session (decode/encode) and the scaler.
// Private to CVeilAV: not part of the module's public header.
#ifndef CVEIL_AV_PIXELS_H
#define CVEIL_AV_PIXELS_H

#include <libavutil/frame.h>
#include <libswscale/swscale.h>
#include <stddef.h>
#include <stdint.h>

/// The byte size of one planar 8-bit 4:2:0 picture: Y, then Cb, then Cr, rows unpadded.
size_t CVeilAV_planarSize(int width, int height);

/// Plane pointers and strides into one contiguous planar 4:2:0 buffer.
void CVeilAV_planarLayout(uint8_t *buffer, int width, int height, uint8_t *planes[4], int strides[4]);

/// The BT.601/709/… coefficient table swscale uses for an FFmpeg colour space.
const int *CVeilAV_coefficients(int colorspace);

/// Makes a YUV↔BGR converter use the input's matrix and range, so BGR pixels are right.
void CVeilAV_matchColorspace(struct SwsContext *converter, int colorspace, int isFullRange);

/// Makes `*frame` a writable, FFmpeg-padded picture of this format and size (reusing it when it
/// already is one; av_frame_get_buffer with 64-byte alignment: aligned rows plus slack after each
/// plane, the layout swscale's SIMD code may read and write beyond a row's end). 0 on success.
int CVeilAV_ensureFrame(AVFrame **frame, int format, int width, int height);

/// Copies a caller's unpadded planar 4:2:0 picture into a padded yuv420p frame of the same size.
void CVeilAV_copyPlanarIn(AVFrame *frame, const uint8_t *yuv, int width, int height);

/// Copies a padded yuv420p frame into a caller's unpadded planar 4:2:0 buffer of the same size
/// (exactly CVeilAV_planarSize bytes are written).
void CVeilAV_copyPlanarOut(const AVFrame *frame, uint8_t *yuv, int width, int height);

#endif
