// Writes the JPEG variants the media robustness tests need and neither ffmpeg nor OpenCV can
// make: CMYK (Adobe-style, as print workflows and some scanners produce) and progressive
// (most web-optimised photos). Test-only: linked by VeilCLITests, never by the library.
#ifndef CVEIL_TEST_MEDIA_H
#define CVEIL_TEST_MEDIA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes `rgb` (packed RGB, `width * height * 3` bytes, rows without padding: libjpeg reads
/// exactly `width * 3` bytes of each row pointer) as a JPEG file. `cmyk` stores it as 4-channel
/// CMYK with an Adobe marker (inverted, as Photoshop writes); `progressive` uses libjpeg's
/// standard progressive scan script. Returns 0 on success, nonzero when the file cannot be
/// written.
int CVeilTestMedia_writeJPEG(const char *path, const unsigned char *rgb, int width, int height, int cmyk,
                             int progressive, int quality);

#ifdef __cplusplus
}
#endif
#endif
