// dlib's 5-point shape predictor and ResNet face descriptor. The network type below is the
// one dlib_face_recognition_resnet_model_v1.dat was trained with (dlib's
// examples/dnn_face_recognition_ex.cpp); it is expensive to compile (~20 s, ~1 GB), so it
// lives alone in this file.
#include "CVeilDlib.h"
#include "guarded.hpp"

#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>

#include <cstdlib>

using cveil_dlib::guarded;
using cveil_dlib::report;

namespace {

using namespace dlib;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;

template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = loss_metric<fc_no_bias<
    128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<
             max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

/// Chip geometry the network was trained with.
constexpr unsigned long chipSize = 150;
constexpr double chipPadding = 0.25;

full_object_detection shapeFrom(double x, double y, double w, double h, const double *points) {
    std::vector<point> parts;
    for (int index = 0; index < CVEIL_DLIB_LANDMARK_COUNT; ++index)
        parts.emplace_back((long)std::lround(points[2 * index]), (long)std::lround(points[2 * index + 1]));
    return full_object_detection(
        rectangle((long)std::lround(x), (long)std::lround(y), (long)std::lround(x + w) - 1, (long)std::lround(y + h) - 1),
        parts);
}

} // namespace

struct CVeilDlibRecognizer {
    dlib::shape_predictor predictor;
    anet_type network;
};

extern "C" CVeilDlibRecognizer *CVeilDlib_recognizerCreate(const char *shapePredictorPath, const char *networkPath,
                                                           char *error, size_t errorLength) {
    CVeilDlibRecognizer *result = nullptr;
    int status = guarded(error, errorLength, [&] {
        auto recognizer = std::make_unique<CVeilDlibRecognizer>();
        dlib::deserialize(shapePredictorPath) >> recognizer->predictor;
        if (recognizer->predictor.num_parts() != CVEIL_DLIB_LANDMARK_COUNT) {
            report("the shape predictor is not the 5-point model (shape_predictor_5_face_landmarks.dat)", error,
                   errorLength);
            return 1;
        }
        dlib::deserialize(networkPath) >> recognizer->network;
        result = recognizer.release();
        return 0;
    });
    return status == 0 ? result : nullptr;
}

extern "C" void CVeilDlib_recognizerDestroy(CVeilDlibRecognizer *recognizer) { delete recognizer; }

extern "C" int CVeilDlib_landmarks(CVeilDlibRecognizer *recognizer, const uint8_t *pixels, int width, int height,
                                   double x, double y, double w, double h, double *points, char *error,
                                   size_t errorLength) {
    return guarded(error, errorLength, [&] {
        cv::Mat mat(height, width, CV_8UC3, const_cast<uint8_t *>(pixels));
        dlib::cv_image<dlib::bgr_pixel> image(mat);
        dlib::rectangle box((long)std::lround(x), (long)std::lround(y), (long)std::lround(x + w) - 1,
                            (long)std::lround(y + h) - 1);
        dlib::full_object_detection shape = recognizer->predictor(image, box);
        for (unsigned long index = 0; index < shape.num_parts(); ++index) {
            points[2 * index] = (double)shape.part(index).x();
            points[2 * index + 1] = (double)shape.part(index).y();
        }
        return 0;
    });
}

extern "C" int CVeilDlib_descriptor(CVeilDlibRecognizer *recognizer, const uint8_t *pixels, int width, int height,
                                    double x, double y, double w, double h, const double *points, float *descriptor,
                                    char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        cv::Mat mat(height, width, CV_8UC3, const_cast<uint8_t *>(pixels));
        dlib::cv_image<dlib::bgr_pixel> image(mat);
        dlib::full_object_detection shape = shapeFrom(x, y, w, h, points);
        dlib::matrix<dlib::rgb_pixel> chip;
        dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, chipSize, chipPadding), chip);
        dlib::matrix<float, 0, 1> values = recognizer->network(chip);
        if (values.size() != CVEIL_DLIB_DESCRIPTOR_LENGTH) {
            report("the network did not produce a 128-value descriptor (wrong model file?)", error, errorLength);
            return 1;
        }
        for (long index = 0; index < values.size(); ++index) descriptor[index] = values(index);
        return 0;
    });
}

extern "C" void CVeilDlib_free(void *pointer) { std::free(pointer); }
