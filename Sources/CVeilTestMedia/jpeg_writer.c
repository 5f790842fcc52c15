#include "CVeilTestMedia.h"

#include <stdio.h>
#include <stdlib.h>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

int CVeilTestMedia_writeJPEG(const char *path, const unsigned char *rgb, int width, int height, int cmyk,
                             int progressive, int quality) {
    FILE *file = fopen(path, "wb");
    if (!file) return 1;
    int components = cmyk ? 4 : 3;
    // One row at a time: libjpeg reads exactly width * components bytes from each row pointer.
    unsigned char *row = malloc((size_t)width * components);
    if (!row) {
        fclose(file);
        return 1;
    }
    struct jpeg_compress_struct info;
    struct jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = components;
    info.in_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&info);
    // With CMYK input libjpeg writes an Adobe APP14 marker; Adobe's convention stores inverted
    // values, which decoders (libjpeg-turbo in OpenCV included) expect.
    jpeg_set_quality(&info, quality, TRUE);
    if (progressive) jpeg_simple_progression(&info);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        const unsigned char *source = rgb + (size_t)info.next_scanline * width * 3;
        for (int x = 0; x < width; x++) {
            if (cmyk) {
                int r = source[x * 3], g = source[x * 3 + 1], b = source[x * 3 + 2];
                int c = 255 - r, m = 255 - g, y = 255 - b;
                int k = c < m ? (c < y ? c : y) : (m < y ? m : y);
                int scale = 255 - k;
                unsigned char *target = row + x * 4;
                // Adobe inverted CMYK: 255 means no ink.
                target[0] = (unsigned char)(255 - (scale ? (c - k) * 255 / scale : 0));
                target[1] = (unsigned char)(255 - (scale ? (m - k) * 255 / scale : 0));
                target[2] = (unsigned char)(255 - (scale ? (y - k) * 255 / scale : 0));
                target[3] = (unsigned char)(255 - k);
            } else {
                for (int i = 0; i < 3; i++) row[x * 3 + i] = source[x * 3 + i];
            }
        }
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    free(row);
    return fclose(file) == 0 ? 0 : 1;
}
