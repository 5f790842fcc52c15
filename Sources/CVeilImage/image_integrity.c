// Why this exists: decoders paper over damage, and OpenCV does not say when they do.
//
// - JPEG: a file cut at half its bytes, or with bytes overwritten, decodes "successfully" with a
//   grey lower part (libjpeg fills what is missing), so a face cut by the damage can stay partly
//   visible and nothing says so. libjpeg counts such problems as warnings; this check decodes the
//   entropy-coded data again with an error manager that records the first warning instead of
//   printing it. Cost: a 1/8-scale decode (every coefficient is still entropy-decoded, which is
//   where damage shows, but the inverse DCT produces one pixel per 8×8 block): a fraction of a
//   full decode. Memory: one output row (progressive files: libjpeg's own coefficient buffer).
// - PNG: a truncated or corrupted file makes libpng print "libpng error: …" on stderr before
//   OpenCV gives up with a generic message. Walking the chunks and checking their CRCs (no
//   inflate) names the problem first and prints nothing.
// - BMP and binary PNM: OpenCV logs a multi-line warning for a short file; the headers say how
//   long the file must be, so a short one is named here first.
//
// Nothing here writes outside the caller's `reason` buffer (truncated to `reasonLength`, always
// terminated) or reads outside `bytes[0 ..< length]`.
#include "CVeilImage.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h> // before jpeglib.h, which uses FILE without including it
#include <string.h>

#include <jpeglib.h>

static int damaged(char *reason, size_t reasonLength, const char *format, ...) {
    if (reason && reasonLength) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(reason, reasonLength, format, arguments);
        va_end(arguments);
    }
    return 1;
}

// MARK: - JPEG

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    char firstWarning[JMSG_LENGTH_MAX];
} IntegrityErrors;

/// A fatal libjpeg error: leave through the setjmp point (libjpeg must not exit the process).
static void onFatalError(j_common_ptr info) {
    IntegrityErrors *errors = (IntegrityErrors *)info->err;
    longjmp(errors->escape, 1);
}

/// Warnings (level -1) are counted and the first one's text kept; trace messages are ignored.
/// Nothing is printed.
static void onMessage(j_common_ptr info, int level) {
    IntegrityErrors *errors = (IntegrityErrors *)info->err;
    if (level >= 0) return;
    if (errors->manager.num_warnings++ == 0) errors->manager.format_message(info, errors->firstWarning);
}

static int checkJPEG(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    struct jpeg_decompress_struct info;
    IntegrityErrors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = onFatalError;
    errors.manager.emit_message = onMessage;
    errors.firstWarning[0] = 0;
    if (setjmp(errors.escape)) {
        char message[JMSG_LENGTH_MAX];
        errors.manager.format_message((j_common_ptr)&info, message);
        jpeg_destroy_decompress(&info);
        return damaged(reason, reasonLength, "libjpeg said '%s'", message);
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    info.scale_num = 1;
    info.scale_denom = 8;
    info.dct_method = JDCT_IFAST;
    info.do_fancy_upsampling = FALSE;
    jpeg_start_decompress(&info);
    JSAMPARRAY row = (*info.mem->alloc_sarray)((j_common_ptr)&info, JPOOL_IMAGE,
                                               info.output_width * info.output_components, 1);
    while (info.output_scanline < info.output_height) jpeg_read_scanlines(&info, row, 1);
    // Reads on to the end-of-image marker: a file cut after its last scan still warns here.
    jpeg_finish_decompress(&info);
    int isDamaged = errors.manager.num_warnings > 0;
    if (isDamaged) damaged(reason, reasonLength, "libjpeg said '%s'", errors.firstWarning);
    jpeg_destroy_decompress(&info);
    return isDamaged;
}

// MARK: - PNG

static uint32_t bigEndian32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/// The CRC-32 PNG chunks carry (ISO 3309, reflected polynomial 0xEDB88320), a byte at a time
/// through `table` (made by makeCRCTable).
static uint32_t crc32Of(const uint32_t table[256], const uint8_t *bytes, size_t length) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t index = 0; index < length; index++) crc = table[(crc ^ bytes[index]) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

/// Built per call (2,048 steps) rather than shared, so no thread ever sees it half made.
static void makeCRCTable(uint32_t table[256]) {
    for (uint32_t value = 0; value < 256; value++) {
        uint32_t crc = value;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        table[value] = crc;
    }
}

/// The chunk's four-letter type, or "?" when the bytes are not letters (a corrupt length).
static void chunkName(const uint8_t *type, char name[5]) {
    for (int index = 0; index < 4; index++) {
        char letter = (char)type[index];
        int isLetter = (letter >= 'A' && letter <= 'Z') || (letter >= 'a' && letter <= 'z');
        if (!isLetter) {
            strcpy(name, "?");
            return;
        }
        name[index] = letter;
    }
    name[4] = 0;
}

static int checkPNG(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    size_t offset = 8; // after the signature
    uint32_t table[256];
    makeCRCTable(table);
    for (;;) {
        if (length - offset < 8) {
            return damaged(reason, reasonLength, "the PNG is truncated: it ends before its IEND chunk");
        }
        uint32_t size = bigEndian32(bytes + offset);
        const uint8_t *type = bytes + offset + 4;
        char name[5];
        chunkName(type, name);
        if (size > 0x7FFFFFFFu) return damaged(reason, reasonLength, "the PNG's %s chunk has a corrupt length", name);
        if (length - offset - 8 < (size_t)size + 4) {
            return damaged(reason, reasonLength, "the PNG is truncated: it ends inside its %s chunk", name);
        }
        if (crc32Of(table, type, (size_t)size + 4) != bigEndian32(type + 4 + size)) {
            return damaged(reason, reasonLength, "the PNG's %s chunk is corrupt (its checksum does not match)", name);
        }
        if (memcmp(type, "IEND", 4) == 0) return 0;
        offset += (size_t)size + 12;
    }
}

// MARK: - BMP and binary PNM

static int checkBMP(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    if (length < 6) return damaged(reason, reasonLength, "the BMP is truncated: it ends inside its header");
    uint32_t declared = (uint32_t)bytes[2] | (uint32_t)bytes[3] << 8 | (uint32_t)bytes[4] << 16 | (uint32_t)bytes[5] << 24;
    if (declared > length) {
        return damaged(reason, reasonLength, "the BMP is truncated: %zu of its %u bytes are present", length, declared);
    }
    return 0;
}

/// Reads one decimal header field of a PNM file, skipping white space and `#` comments.
static int pnmField(const uint8_t *bytes, size_t length, size_t *offset, unsigned long *value) {
    for (;;) {
        while (*offset < length && (bytes[*offset] == ' ' || (bytes[*offset] >= '\t' && bytes[*offset] <= '\r'))) {
            *offset += 1;
        }
        if (*offset < length && bytes[*offset] == '#') {
            while (*offset < length && bytes[*offset] != '\n') *offset += 1;
            continue;
        }
        break;
    }
    if (*offset >= length || bytes[*offset] < '0' || bytes[*offset] > '9') return 0;
    *value = 0;
    while (*offset < length && bytes[*offset] >= '0' && bytes[*offset] <= '9') {
        if (*value > 100000000ul) return 0;
        *value = *value * 10 + (unsigned long)(bytes[*offset] - '0');
        *offset += 1;
    }
    return 1;
}

static int checkPNM(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    char kind = (char)bytes[1];
    size_t offset = 2;
    unsigned long width = 0, height = 0, maximum = 1;
    if (!pnmField(bytes, length, &offset, &width) || !pnmField(bytes, length, &offset, &height) ||
        (kind != '4' && !pnmField(bytes, length, &offset, &maximum))) {
        return 0; // a header OpenCV will refuse on its own
    }
    offset += 1; // the single white-space byte before the pixels
    unsigned long long sampleBytes = maximum > 255 ? 2 : 1;
    unsigned long long rowBytes = kind == '4'   ? (width + 7) / 8
                                  : kind == '5' ? width * sampleBytes
                                                : width * 3 * sampleBytes;
    unsigned long long needed = rowBytes * height;
    if (offset > length || length - offset < needed) {
        return damaged(reason, reasonLength, "the PNM is truncated: %zu of its %llu pixel bytes are present",
                       offset > length ? (size_t)0 : length - offset, needed);
    }
    return 0;
}

int CVeilImage_checkIntegrity(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    static const uint8_t pngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (reason && reasonLength) reason[0] = 0;
    if (!bytes || length < 3) return 0;
    if (bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return checkJPEG(bytes, length, reason, reasonLength);
    if (length >= 8 && memcmp(bytes, pngSignature, 8) == 0) return checkPNG(bytes, length, reason, reasonLength);
    if (bytes[0] == 'B' && bytes[1] == 'M') return checkBMP(bytes, length, reason, reasonLength);
    if (bytes[0] == 'P' && bytes[1] >= '4' && bytes[1] <= '6') return checkPNM(bytes, length, reason, reasonLength);
    return 0;
}
