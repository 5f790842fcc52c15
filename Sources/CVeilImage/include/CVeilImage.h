// A plain C face over the few OpenCV operations Veil needs (decode, encode, resize, blur).
//
// Why a shim: OpenCV is C++ and Swift modules stay free of C++ interop (it is viral across
// importers). Every function catches cv::Exception and reports it through `error`; no C++
// exception crosses into C or Swift. Pixels are 8-bit BGR, rows packed (stride = 3 × width),
// owned by the caller unless a function says it allocates.
#ifndef CVEIL_IMAGE_H
#define CVEIL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Decodes an encoded image held in memory, applying its EXIF orientation. On success
/// `*pixels` is malloc'd BGR (release with CVeilImage_free). Returns 0 on success.
int CVeilImage_decode(const uint8_t *bytes, size_t length, uint8_t **pixels, int *width, int *height,
                      char *error, size_t errorLength);

/// Encodes BGR pixels in the format named by `extension` (".jpg", ".png", ".webp", ...).
/// `quality` is JPEG/WebP quality 1–100 (PNG: ignored). OpenCV writes no EXIF/XMP/IPTC.
/// On success `*bytes` is malloc'd (release with CVeilImage_free).
int CVeilImage_encode(const uint8_t *pixels, int width, int height, const char *extension, int quality,
                      uint8_t **bytes, size_t *length, char *error, size_t errorLength);

/// Resizes BGR pixels into a caller-owned buffer. `interpolation`: 0 nearest, 1 linear, 2 area, 3 cubic.
int CVeilImage_resize(const uint8_t *source, int sourceWidth, int sourceHeight, uint8_t *destination,
                      int destinationWidth, int destinationHeight, int interpolation, char *error,
                      size_t errorLength);

/// Gaussian-blurs a rectangle of BGR pixels in place (borders replicate inside the rectangle).
int CVeilImage_gaussianBlur(uint8_t *pixels, int width, int height, int x, int y, int roiWidth,
                            int roiHeight, double sigma, char *error, size_t errorLength);

/// Equalizes the lightness of BGR pixels in place, tile by tile (OpenCV's CLAHE on the Lab L
/// plane, tiles about `tileSide` pixels square, contrast clipped at `clipLimit`). Returns 0 on success.
int CVeilImage_equalizeLocalContrast(uint8_t *pixels, int width, int height, double clipLimit, int tileSide,
                                     char *error, size_t errorLength);

/// The size a HEIF/HEIC/AVIF file's primary image declares (rotation applied), read from its
/// boxes without decoding, so a decompression bomb can be refused before any allocation.
/// Returns 0 on success.
int CVeilImage_declaredSizeHEIF(const uint8_t *bytes, size_t length, int *width, int *height);

/// Whether the bytes start like a HEIF/HEIC/AVIF file (libheif's own check).
int CVeilImage_isHEIF(const uint8_t *bytes, size_t length);

/// Decodes the primary image of a HEIF/HEIC/AVIF file with its rotation/mirror applied.
/// On success `*pixels` is malloc'd BGR (release with CVeilImage_free).
int CVeilImage_decodeHEIF(const uint8_t *bytes, size_t length, uint8_t **pixels, int *width, int *height,
                          char *error, size_t errorLength);

/// Whether encoded image bytes are damaged in a way a decoder would hide or only print: a JPEG
/// truncated or with corrupt data (libjpeg's warnings, such as "Premature end of JPEG file"), a
/// PNG cut short or with a chunk whose CRC does not match, a BMP or binary PNM shorter than its
/// header says. Returns 1 and the problem in `reason` when damaged, 0 when intact or in another
/// format. Prints nothing; reads only `bytes[0 ..< length]`.
int CVeilImage_checkIntegrity(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength);

void CVeilImage_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
