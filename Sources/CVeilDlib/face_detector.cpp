// dlib's HOG frontal face detector: a model-free fallback for finding the faces to audit.
#include "CVeilDlib.h"
#include "guarded.hpp"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <cstdlib>

using cveil_dlib::guarded;
using cveil_dlib::report;

struct CVeilDlibFaceDetector {
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
};

extern "C" CVeilDlibFaceDetector *CVeilDlib_faceDetectorCreate(char *error, size_t errorLength) {
    CVeilDlibFaceDetector *result = nullptr;
    int status = guarded(error, errorLength, [&] {
        result = new CVeilDlibFaceDetector();
        return 0;
    });
    return status == 0 ? result : nullptr;
}

extern "C" void CVeilDlib_faceDetectorDestroy(CVeilDlibFaceDetector *detector) { delete detector; }

extern "C" int CVeilDlib_detectFaces(CVeilDlibFaceDetector *detector, const uint8_t *pixels, int width, int height,
                                     int upsampleCount, double adjustThreshold, double **detections, int *count,
                                     char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        cv::Mat mat(height, width, CV_8UC3, const_cast<uint8_t *>(pixels));
        dlib::cv_image<dlib::bgr_pixel> view(mat);
        dlib::array2d<unsigned char> gray;
        dlib::assign_image(gray, view);
        double scale = 1;
        for (int step = 0; step < upsampleCount; ++step) {
            dlib::pyramid_up(gray);
            scale *= 2;
        }
        std::vector<dlib::rect_detection> found;
        detector->detector(gray, found, adjustThreshold);
        *count = (int)found.size();
        *detections = (double *)std::malloc(sizeof(double) * 5 * (found.size() ? found.size() : 1));
        if (!*detections) {
            report("out of memory", error, errorLength);
            return 1;
        }
        for (size_t index = 0; index < found.size(); ++index) {
            const dlib::rectangle &box = found[index].rect;
            double *row = *detections + 5 * index;
            row[0] = box.left() / scale;
            row[1] = box.top() / scale;
            row[2] = box.width() / scale;
            row[3] = box.height() / scale;
            row[4] = found[index].detection_confidence;
        }
        return 0;
    });
}
