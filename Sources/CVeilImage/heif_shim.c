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

// Why: libheif 1.15.1 (Debian 12) follows derived-image references (`iref` `dimg`) without
// checking for cycles: a grid that lists itself as its own tile makes it recurse, starting a
// thread per level, until thread creation throws and the process aborts (found by fuzzing;
// fixed upstream after 1.15, strukturag/libheif#590). This reads only the `meta`/`iref` boxes of
// the buffer (bounds-checked, no allocation) and reports whether the `dimg` references form a
// cycle, so such a file is refused before libheif sees it.
enum { CVeilImage_maxReferences = 1024 };

static uint64_t CVeilImage_readBE(const uint8_t *p, int bytes) {
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++) value = value << 8 | p[i];
    return value;
}

// Finds the child box `type` inside [start, end); returns its payload range, or 0.
static int CVeilImage_findBox(const uint8_t *start, const uint8_t *end, const char *type, const uint8_t **payload,
                              const uint8_t **payloadEnd) {
    const uint8_t *box = start;
    while (end - box >= 8) {
        uint64_t size = CVeilImage_readBE(box, 4);
        size_t header = 8;
        if (size == 1) {
            if (end - box < 16) return 0;
            size = CVeilImage_readBE(box + 8, 8);
            header = 16;
        } else if (size == 0) {
            size = (uint64_t)(end - box);
        }
        if (size < header || size > (uint64_t)(end - box)) return 0;
        if (memcmp(box + 4, type, 4) == 0) {
            *payload = box + header;
            *payloadEnd = box + size;
            return 1;
        }
        box += size;
    }
    return 0;
}

static int CVeilImage_hasReferenceCycle(const uint8_t *bytes, size_t length) {
    const uint8_t *meta, *metaEnd, *iref, *irefEnd;
    if (!CVeilImage_findBox(bytes, bytes + length, "meta", &meta, &metaEnd) || metaEnd - meta < 4) return 0;
    if (!CVeilImage_findBox(meta + 4, metaEnd, "iref", &iref, &irefEnd) || irefEnd - iref < 4) return 0;
    int idBytes = iref[0] == 0 ? 2 : 4;
    uint32_t from[CVeilImage_maxReferences], to[CVeilImage_maxReferences];
    int count = 0;
    const uint8_t *entry = iref + 4;
    while (irefEnd - entry >= 8) {
        uint64_t size = CVeilImage_readBE(entry, 4);
        if (size < 8 || size > (uint64_t)(irefEnd - entry)) break;
        const uint8_t *field = entry + 8, *entryEnd = entry + size;
        if (memcmp(entry + 4, "dimg", 4) == 0 && entryEnd - field >= idBytes + 2) {
            uint32_t source = (uint32_t)CVeilImage_readBE(field, idBytes);
            uint64_t targets = CVeilImage_readBE(field + idBytes, 2);
            field += idBytes + 2;
            for (uint64_t t = 0; t < targets && entryEnd - field >= idBytes; t++, field += idBytes) {
                if (count == CVeilImage_maxReferences) return 1; // more than any real file: refuse
                from[count] = source;
                to[count] = (uint32_t)CVeilImage_readBE(field, idBytes);
                count++;
            }
        }
        entry = entryEnd;
    }
    // Depth-first search over the referenced items; meeting an item still on the path is a
    // cycle. O(items × references), at most ~2M steps for 1024 references.
    uint32_t items[2 * CVeilImage_maxReferences];
    uint8_t state[2 * CVeilImage_maxReferences]; // 0 unvisited, 1 on the path, 2 done
    int itemCount = 0;
    for (int e = 0; e < 2 * count; e++) {
        uint32_t id = e < count ? from[e] : to[e - count];
        int known = 0;
        for (int i = 0; i < itemCount && !known; i++) known = items[i] == id;
        if (!known) items[itemCount++] = id;
    }
    memset(state, 0, (size_t)itemCount);
    int pathItem[2 * CVeilImage_maxReferences], pathNext[2 * CVeilImage_maxReferences];
    for (int root = 0; root < itemCount; root++) {
        if (state[root]) continue;
        int depth = 0;
        pathItem[0] = root;
        pathNext[0] = 0;
        state[root] = 1;
        while (depth >= 0) {
            int item = pathItem[depth];
            int e = pathNext[depth];
            while (e < count && from[e] != items[item]) e++;
            if (e == count) {
                state[item] = 2;
                depth--;
                continue;
            }
            pathNext[depth] = e + 1;
            int next = 0;
            while (items[next] != to[e]) next++;
            if (state[next] == 1) return 1;
            if (state[next] == 0) {
                state[next] = 1;
                depth++;
                pathItem[depth] = next;
                pathNext[depth] = 0;
            }
        }
    }
    return 0;
}

int CVeilImage_declaredSizeHEIF(const uint8_t *bytes, size_t length, int *width, int *height) {
    struct heif_context *context = heif_context_alloc();
    struct heif_image_handle *handle = NULL;
    int rc = 1;
    if (!context) return 1;
    if (CVeilImage_hasReferenceCycle(bytes, length)) {
        heif_context_free(context);
        return 1;
    }
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

    if (CVeilImage_hasReferenceCycle(bytes, length)) {
        heif_context_free(context);
        snprintf(error, errorLength, "HEIF: its derived images refer to themselves in a cycle");
        return 1;
    }
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
