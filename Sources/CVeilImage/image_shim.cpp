#include "CVeilImage.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

namespace {

/// OpenCV's image codecs, loaded on first use rather than linked: libopencv_imgcodecs pulls in
/// 140 shared libraries (GDAL, poppler, …) that cost every Veil process ~50 MB of RSS and start-up
/// time, video runs included, which never decode a still. The library is opened by its
/// development name, the one `libopencv-imgcodecs-dev` points at the version whose headers this
/// file was compiled against, and the two entry points are looked up by their Itanium C++ ABI
/// names, so a mismatch fails here with a message instead of crashing.
constexpr const char *kImageCodecsLibrary = "libopencv_imgcodecs.so";

struct ImageCodecs {
    cv::Mat (*imdecode)(const cv::_InputArray &, int) = nullptr;
    bool (*imencode)(const std::string &, const cv::_InputArray &, std::vector<uchar> &,
                     const std::vector<int> &) = nullptr;
    std::string problem;
};

const ImageCodecs &codecs() {
    static ImageCodecs loaded;
    static std::once_flag once;
    std::call_once(once, [] {
        // Never unloaded: the handle lives as long as the process.
        void *library = dlopen(kImageCodecsLibrary, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            const char *reason = dlerror();
            loaded.problem = std::string("cannot load OpenCV's image codecs (") + kImageCodecsLibrary +
                             "): " + (reason ? reason : "unknown reason") + "; run make setup";
            return;
        }
        loaded.imdecode = reinterpret_cast<decltype(loaded.imdecode)>(
            dlsym(library, "_ZN2cv8imdecodeERKNS_11_InputArrayEi"));
        loaded.imencode = reinterpret_cast<decltype(loaded.imencode)>(dlsym(
            library, "_ZN2cv8imencodeERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_11_InputArrayERSt6"
                     "vectorIhSaIhEERKSB_IiSaIiEE"));
        if (!loaded.imdecode || !loaded.imencode) {
            loaded.imdecode = nullptr;
            loaded.imencode = nullptr;
            loaded.problem = std::string(kImageCodecsLibrary) + " lacks cv::imdecode or cv::imencode";
        }
    });
    return loaded;
}

void report(const char *message, char *error, size_t errorLength) {
    if (error && errorLength) std::snprintf(error, errorLength, "%s", message);
}

/// Runs `body`, turning any C++ exception into a return code and a message.
template <typename Body> int guarded(char *error, size_t errorLength, Body body) {
    try {
        return body();
    } catch (const cv::Exception &exception) {
        report(exception.err.c_str(), error, errorLength);
    } catch (const std::exception &exception) {
        report(exception.what(), error, errorLength);
    } catch (...) {
        report("unknown C++ exception", error, errorLength);
    }
    return 1;
}

} // namespace

extern "C" int CVeilImage_decode(const uint8_t *bytes, size_t length, uint8_t **pixels, int *width,
                                 int *height, char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (length == 0) {
            report("the file is empty", error, errorLength);
            return 1;
        }
        if (length > (size_t)INT_MAX) {
            report("the file is larger than 2 GB, more than OpenCV's decoders take", error, errorLength);
            return 1;
        }
        // Contract: imdecode reads only the `length` bytes of this 1 × length header-only Mat
        // (no alignment, no slack: the codecs' memory sources stop at the end) and allocates
        // the decoded image itself. Dimensions were checked against Veil's pixel limit by the
        // caller (ImageHeader) before this call.
        cv::Mat encoded(1, (int)length, CV_8UC1, (void *)bytes);
        // IMREAD_COLOR applies EXIF orientation (IMREAD_IGNORE_ORIENTATION is not set).
        const ImageCodecs &library = codecs();
        if (!library.imdecode) {
            report(library.problem.c_str(), error, errorLength);
            return 1;
        }
        cv::Mat image = library.imdecode(encoded, cv::IMREAD_COLOR);
        if (image.empty()) {
            report("not an image OpenCV can decode (corrupt, truncated or unsupported format)", error, errorLength);
            return 1;
        }
        size_t size = (size_t)image.cols * image.rows * 3;
        *pixels = (uint8_t *)std::malloc(size);
        if (!*pixels) {
            report("out of memory", error, errorLength);
            return 1;
        }
        // Contract: copyTo writes rows × cols × 3 bytes into this header-only Mat with the
        // packed stride cols × 3 it is given, and nothing past it; no alignment is needed.
        cv::Mat destination(image.rows, image.cols, CV_8UC3, *pixels);
        image.copyTo(destination);
        *width = image.cols;
        *height = image.rows;
        return 0;
    });
}

extern "C" int CVeilImage_encode(const uint8_t *pixels, int width, int height, const char *extension,
                                 int quality, uint8_t **bytes, size_t *length, char *error,
                                 size_t errorLength) {
    return guarded(error, errorLength, [&] {
        // Contract: imencode only reads the height × width × 3 packed bytes (stride width × 3)
        // and writes into its own std::vector; no alignment or slack is required.
        cv::Mat image(height, width, CV_8UC3, (void *)pixels);
        std::vector<int> parameters = {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_WEBP_QUALITY, quality};
        std::vector<uint8_t> buffer;
        const ImageCodecs &library = codecs();
        if (!library.imencode) {
            report(library.problem.c_str(), error, errorLength);
            return 1;
        }
        if (!library.imencode(extension, image, buffer, parameters)) {
            report("OpenCV could not encode this format", error, errorLength);
            return 1;
        }
        *bytes = (uint8_t *)std::malloc(buffer.size());
        if (!*bytes) {
            report("out of memory", error, errorLength);
            return 1;
        }
        std::memcpy(*bytes, buffer.data(), buffer.size());
        *length = buffer.size();
        return 0;
    });
}

extern "C" int CVeilImage_resize(const uint8_t *source, int sourceWidth, int sourceHeight, uint8_t *destination,
                                 int destinationWidth, int destinationHeight, int interpolation, char *error,
                                 size_t errorLength) {
    return guarded(error, errorLength, [&] {
        static const int modes[] = {cv::INTER_NEAREST, cv::INTER_LINEAR, cv::INTER_AREA, cv::INTER_CUBIC};
        if (interpolation < 0 || interpolation > 3) {
            report("unknown interpolation", error, errorLength);
            return 1;
        }
        // Contract: resize reads exactly the source Mat and writes exactly the destination Mat
        // (packed strides width × 3, both caller-owned). Its SIMD paths use unaligned loads and
        // stay inside each row, so neither buffer needs alignment or slack. `to.size()` equals
        // the destination's size, so resize never reallocates (which would write elsewhere).
        cv::Mat from(sourceHeight, sourceWidth, CV_8UC3, (void *)source);
        cv::Mat to(destinationHeight, destinationWidth, CV_8UC3, destination);
        cv::resize(from, to, to.size(), 0, 0, modes[interpolation]);
        return 0;
    });
}

extern "C" int CVeilImage_gaussianBlur(uint8_t *pixels, int width, int height, int x, int y, int roiWidth,
                                       int roiHeight, double sigma, char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        cv::Mat image(height, width, CV_8UC3, pixels);
        cv::Rect roi = cv::Rect(x, y, roiWidth, roiHeight) & cv::Rect(0, 0, width, height);
        if (roi.empty() || sigma <= 0) return 0;
        // Contract: GaussianBlur with BORDER_REPLICATE reads and writes only inside the ROI (the
        // ROI was clipped to the image above), using its own temporary rows; the caller's packed
        // buffer needs no alignment or slack.
        cv::Mat region = image(roi);
        cv::GaussianBlur(region, region, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
        return 0;
    });
}

extern "C" int CVeilImage_equalizeLocalContrast(uint8_t *pixels, int width, int height, double clipLimit,
                                                int tileSide, char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (width <= 0 || height <= 0 || tileSide <= 0 || !(clipLimit > 0)) {
            report("equalizeLocalContrast needs a non-empty image, a tile side and a clip limit", error,
                   errorLength);
            return 1;
        }
        // Contract: reads and writes exactly the caller's packed BGR buffer (width × height × 3,
        // no alignment or slack needed). cvtColor allocates `lab` (its own buffer), CLAHE works
        // on the L plane that split allocated, and the final cvtColor writes into `image`, whose
        // size and type already match, so it never reallocates (which would write elsewhere).
        cv::Mat image(height, width, CV_8UC3, pixels);
        cv::Mat lab;
        cv::cvtColor(image, lab, cv::COLOR_BGR2Lab);
        std::vector<cv::Mat> planes;
        cv::split(lab, planes);
        int columns = std::max(1, (width + tileSide / 2) / tileSide);
        int rows = std::max(1, (height + tileSide / 2) / tileSide);
        cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(clipLimit, cv::Size(columns, rows));
        cv::Mat lightness;
        clahe->apply(planes[0], lightness);
        planes[0] = lightness;
        cv::merge(planes, lab);
        cv::cvtColor(lab, image, cv::COLOR_Lab2BGR);
        if (image.data != pixels) {
            report("equalizeLocalContrast: OpenCV reallocated the caller's buffer", error, errorLength);
            return 1;
        }
        return 0;
    });
}

extern "C" void CVeilImage_free(void *pointer) { std::free(pointer); }
