#include "CVeilImage.h"

#include <libheif/heif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Why: OpenCV 4.6 cannot read HEIC, the default photo format of iPhones. libheif decodes the
// primary image with its transformations (rotation, mirror, crop) applied, the HEIF
// equivalent of EXIF orientation.

int CVeilImage_isHEIF(const uint8_t *bytes, size_t length) {
    if (length < 12) return 0;
    // Contract: heif_check_filetype reads at most the `len` bytes it is given (here ≤ 64, all
    // inside the caller's buffer); it needs no alignment.
    enum heif_filetype_result result = heif_check_filetype(bytes, (int)(length < 64 ? length : 64));
    return result == heif_filetype_yes_supported || result == heif_filetype_maybe;
}

int CVeilImage_declaredSizeHEIF(const uint8_t *bytes, size_t length, int *width, int *height) {
    struct heif_context *context = heif_context_alloc();
    struct heif_image_handle *handle = NULL;
    int rc = 1;
    if (!context) return 1;
    // Contract: as in CVeilImage_decodeHEIF below; only the boxes are parsed, nothing decoded.
    struct heif_error status = heif_context_read_from_memory_without_copy(context, bytes, length, NULL);
    if (status.code == heif_error_Ok) status = heif_context_get_primary_image_handle(context, &handle);
    if (status.code == heif_error_Ok) {
        // ispe with irot applied: the size heif_decode_image would allocate.
        *width = heif_image_handle_get_width(handle);
        *height = heif_image_handle_get_height(handle);
        rc = 0;
    }
    if (handle) heif_image_handle_release(handle);
    heif_context_free(context);
    return rc;
}

int CVeilImage_decodeHEIF(const uint8_t *bytes, size_t length, uint8_t **pixels, int *width, int *height,
                          char *error, size_t errorLength) {
    struct heif_context *context = heif_context_alloc();
    struct heif_image_handle *handle = NULL;
    struct heif_image *image = NULL;
    int rc = 1;
    if (!context) {
        snprintf(error, errorLength, "out of memory");
        return 1;
    }
    // Contract: "without_copy" means libheif keeps pointing into `bytes` (it reads only within
    // `length`) for the context's whole life; the context is freed before this function
    // returns, so the caller's buffer outlives it. No alignment is required.
    struct heif_error status = heif_context_read_from_memory_without_copy(context, bytes, length, NULL);
    if (status.code != heif_error_Ok) goto failed;
    status = heif_context_get_primary_image_handle(context, &handle);
    if (status.code != heif_error_Ok) goto failed;
    // Contract: libheif allocates the decoded image itself (its planes are 16-byte aligned
    // with padded rows) and owns it until heif_image_release; we only read it.
    status = heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
    if (status.code != heif_error_Ok) goto failed;
    int stride = 0;
    // Contract: the plane holds `h` rows of `stride` bytes; only the first `w * 3` bytes of a
    // row are pixels (the rest is libheif's padding and is never read here).
    const uint8_t *rgb = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    int w = heif_image_get_width(image, heif_channel_interleaved);
    int h = heif_image_get_height(image, heif_channel_interleaved);
    if (!rgb || w <= 0 || h <= 0 || stride < w * 3) {
        snprintf(error, errorLength, "HEIF image has no RGB plane");
        goto done;
    }
    // Packed BGR for Swift: exactly w * h * 3 bytes, rows without padding (Image's layout).
    uint8_t *bgr = malloc((size_t)w * h * 3);
    if (!bgr) {
        snprintf(error, errorLength, "out of memory");
        goto done;
    }
    for (int y = 0; y < h; y++) {
        const uint8_t *source = rgb + (size_t)y * stride;
        uint8_t *target = bgr + (size_t)y * w * 3;
        for (int x = 0; x < w; x++) {
            target[x * 3] = source[x * 3 + 2];
            target[x * 3 + 1] = source[x * 3 + 1];
            target[x * 3 + 2] = source[x * 3];
        }
    }
    *pixels = bgr;
    *width = w;
    *height = h;
    rc = 0;
    goto done;
failed:
    snprintf(error, errorLength, "HEIF: %s", status.message ? status.message : "decoding failed");
done:
    if (image) heif_image_release(image);
    if (handle) heif_image_handle_release(handle);
    heif_context_free(context);
    return rc;
}
