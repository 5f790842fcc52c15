// Why this exists: OpenCV's JPEG reader lets libjpeg paper over damage. A file cut at half its
// bytes, or with bytes overwritten, decodes "successfully" with a grey lower part (libjpeg fills
// what is missing), so a face cut by the damage can stay partly visible and nothing says so.
// libjpeg does count such problems as warnings; this check decodes the entropy-coded data again
// with an error manager that records the first warning instead of printing it.
//
// Cost: a 1/8-scale decode (every coefficient is still entropy-decoded, which is where damage
// shows, but the inverse DCT produces one pixel per 8×8 block): about a tenth of a full decode.
// Memory: one output row (progressive files: libjpeg's own coefficient buffer).
#include "CVeilImage.h"

#include <setjmp.h>
#include <stdio.h> // before jpeglib.h, which uses FILE without including it
#include <string.h>

#include <jpeglib.h>

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

int CVeilImage_checkJPEG(const uint8_t *bytes, size_t length, char *reason, size_t reasonLength) {
    if (reason && reasonLength) reason[0] = 0;
    if (!bytes || length < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8 || bytes[2] != 0xFF) return 0;
    struct jpeg_decompress_struct info;
    IntegrityErrors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = onFatalError;
    errors.manager.emit_message = onMessage;
    errors.firstWarning[0] = 0;
    if (setjmp(errors.escape)) {
        char message[JMSG_LENGTH_MAX];
        errors.manager.format_message((j_common_ptr)&info, message);
        if (reason && reasonLength) snprintf(reason, reasonLength, "%s", message);
        jpeg_destroy_decompress(&info);
        return 1;
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
    if (isDamaged && reason && reasonLength) snprintf(reason, reasonLength, "%s", errors.firstWarning);
    jpeg_destroy_decompress(&info);
    return isDamaged;
}
