// A plain C face over the few dlib and OpenCV operations Veil's re-identification audit needs:
// dlib's HOG frontal face detector, its 5-point shape predictor and its ResNet face descriptor,
// plus the image "attacks" an adversary would try on a masked face before matching it.
//
// Why a shim: dlib and OpenCV are C++ and Swift modules stay free of C++ interop (it is viral
// across importers). Every function catches every C++ exception and reports it through
// `error` (a caller-owned buffer of `errorLength` bytes) with a non-zero return; no exception
// crosses into C or Swift. Pixels are 8-bit BGR, rows packed (stride = 3 × width), owned by the
// caller.
//
// Threads: a recognizer or a detector is NOT thread-safe (dlib's network and scanner keep
// per-call state). Use one per thread, or serialize calls. The attack functions are pure and
// may run concurrently.
#ifndef CVEIL_DLIB_H
#define CVEIL_DLIB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Number of values in a face descriptor (dlib_face_recognition_resnet_model_v1).
enum { CVEIL_DLIB_DESCRIPTOR_LENGTH = 128 };
/// Number of landmarks the 5-point shape predictor finds (x, y pairs: 10 doubles).
enum { CVEIL_DLIB_LANDMARK_COUNT = 5 };

// ---- recognizer: shape predictor + ResNet descriptor ------------------------------------

typedef struct CVeilDlibRecognizer CVeilDlibRecognizer;

/// Loads `shape_predictor_5_face_landmarks.dat` and `dlib_face_recognition_resnet_model_v1.dat`.
/// Returns NULL (and a message) when either cannot be read or deserialized.
CVeilDlibRecognizer *CVeilDlib_recognizerCreate(const char *shapePredictorPath, const char *networkPath,
                                                char *error, size_t errorLength);

void CVeilDlib_recognizerDestroy(CVeilDlibRecognizer *recognizer);

/// Finds the 5 landmarks of the face inside box (x, y, w, h). `points` receives
/// 2 × CVEIL_DLIB_LANDMARK_COUNT doubles (x0, y0, x1, y1, ...). Returns 0 on success.
int CVeilDlib_landmarks(CVeilDlibRecognizer *recognizer, const uint8_t *pixels, int width, int height,
                        double x, double y, double w, double h, double *points, char *error,
                        size_t errorLength);

/// Aligns the face given by box and landmarks (as CVeilDlib_landmarks returns them) to a
/// 150 × 150 chip (dlib's padding 0.25) and writes its CVEIL_DLIB_DESCRIPTOR_LENGTH-value
/// descriptor to `descriptor`. The chip lives only inside this call. Returns 0 on success.
int CVeilDlib_descriptor(CVeilDlibRecognizer *recognizer, const uint8_t *pixels, int width, int height,
                         double x, double y, double w, double h, const double *points, float *descriptor,
                         char *error, size_t errorLength);

// ---- HOG frontal face detector --------------------------------------------------------------

typedef struct CVeilDlibFaceDetector CVeilDlibFaceDetector;

CVeilDlibFaceDetector *CVeilDlib_faceDetectorCreate(char *error, size_t errorLength);

void CVeilDlib_faceDetectorDestroy(CVeilDlibFaceDetector *detector);

/// Finds frontal faces. `upsampleCount` doubles the image that many times first (finds faces
/// half as large per step, at ~4× the time). On success `*detections` is malloc'd with
/// 5 doubles per face (x, y, w, h, score; release with CVeilDlib_free) and `*count` is set.
int CVeilDlib_detectFaces(CVeilDlibFaceDetector *detector, const uint8_t *pixels, int width, int height,
                          int upsampleCount, double adjustThreshold, double **detections, int *count,
                          char *error, size_t errorLength);

// ---- attacks (in place, on a caller-owned BGR image, usually a crop around one face) --------

/// Wiener deconvolution assuming a Gaussian blur of `sigma` pixels; `noiseToSignal` is the
/// regularizing power ratio (smaller restores more detail and amplifies more noise).
int CVeilDlib_wienerDeconvolve(uint8_t *pixels, int width, int height, double sigma, double noiseToSignal,
                               char *error, size_t errorLength);

/// Richardson–Lucy deconvolution with a Gaussian kernel of `sigma` pixels.
int CVeilDlib_richardsonLucy(uint8_t *pixels, int width, int height, double sigma, int iterations,
                             char *error, size_t errorLength);

/// Downscales by `factor` (area), upscales back (bicubic), then unsharp-masks with a Gaussian
/// of `sharpenSigma` and gain `sharpenAmount`: smooths mosaic edges the way a super-resolution
/// attack would, then restores contrast.
int CVeilDlib_resampleSharpen(uint8_t *pixels, int width, int height, int factor, double sharpenSigma,
                              double sharpenAmount, char *error, size_t errorLength);

/// Edge-preserving bilateral filter (OpenCV's cv::bilateralFilter).
int CVeilDlib_bilateralFilter(uint8_t *pixels, int width, int height, int diameter, double sigmaColor,
                              double sigmaSpace, char *error, size_t errorLength);

/// Median filter with an odd `aperture` (3, 5, 7…).
int CVeilDlib_medianFilter(uint8_t *pixels, int width, int height, int aperture, char *error,
                           size_t errorLength);

/// Gaussian smoothing of `sigma` pixels (removes additive per-pixel noise).
int CVeilDlib_gaussianSmooth(uint8_t *pixels, int width, int height, double sigma, char *error,
                             size_t errorLength);

void CVeilDlib_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
