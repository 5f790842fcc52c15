// Restorations an adversary would try on a masked face before matching it: deconvolution
// (against blur), resampling plus sharpening (against mosaics) and denoising (against added
// noise). Each works in place on a packed BGR image, usually a crop around one face.
#include "CVeilDlib.h"
#include "guarded.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

using cveil_dlib::guarded;
using cveil_dlib::report;

namespace {

/// Kernel radius that holds all but ~0.3 % of a Gaussian's mass.
int gaussianRadius(double sigma) { return (int)std::ceil(3 * sigma); }

cv::Mat wrap(uint8_t *pixels, int width, int height) { return cv::Mat(height, width, CV_8UC3, pixels); }

bool validSize(int width, int height, char *error, size_t errorLength) {
    if (width > 0 && height > 0) return true;
    report("empty image", error, errorLength);
    return false;
}

/// The Wiener filter H / (H² + K) for a Gaussian blur, as a two-channel (complex) spectrum
/// multiplier. The Gaussian's transfer function is real and known in closed form,
/// H(u, v) = exp(-2π²σ²(u² + v²)) with u, v in cycles per pixel, so no kernel is transformed.
cv::Mat wienerGain(int rows, int cols, double sigma, double noiseToSignal) {
    const double factor = -2 * M_PI * M_PI * sigma * sigma;
    std::vector<double> horizontal(cols);
    for (int col = 0; col < cols; ++col) {
        double u = (col <= cols / 2 ? col : col - cols) / (double)cols;
        horizontal[col] = u * u;
    }
    cv::Mat gain(rows, cols, CV_32FC2);
    for (int row = 0; row < rows; ++row) {
        double v = (row <= rows / 2 ? row : row - rows) / (double)rows;
        cv::Vec2f *line = gain.ptr<cv::Vec2f>(row);
        for (int col = 0; col < cols; ++col) {
            double transfer = std::exp(factor * (horizontal[col] + v * v));
            float value = (float)(transfer / (transfer * transfer + noiseToSignal));
            line[col] = cv::Vec2f(value, value);
        }
    }
    return gain;
}

} // namespace

extern "C" int CVeilDlib_wienerDeconvolve(uint8_t *pixels, int width, int height, double sigma, double noiseToSignal,
                                          char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        if (sigma <= 0 || noiseToSignal <= 0) {
            report("Wiener deconvolution needs sigma > 0 and noiseToSignal > 0", error, errorLength);
            return 1;
        }
        cv::Mat image = wrap(pixels, width, height);
        // Reflect-pad so the DFT's implied periodicity does not ring at the crop's edges.
        const int pad = 2 * gaussianRadius(sigma);
        const int paddedRows = cv::getOptimalDFTSize(height + 2 * pad);
        const int paddedCols = cv::getOptimalDFTSize(width + 2 * pad);
        cv::Mat padded;
        cv::copyMakeBorder(image, padded, pad, paddedRows - height - pad, pad, paddedCols - width - pad,
                           cv::BORDER_REFLECT);
        cv::Mat floats;
        padded.convertTo(floats, CV_32FC3);
        std::vector<cv::Mat> channels;
        cv::split(floats, channels);
        const cv::Mat gain = wienerGain(paddedRows, paddedCols, sigma, noiseToSignal);
        for (cv::Mat &channel : channels) {
            cv::Mat spectrum;
            cv::dft(channel, spectrum, cv::DFT_COMPLEX_OUTPUT);
            cv::multiply(spectrum, gain, spectrum); // the gain is real: scales both parts
            cv::dft(spectrum, channel, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
        }
        cv::merge(channels, floats);
        floats(cv::Rect(pad, pad, width, height)).convertTo(image, CV_8UC3); // saturates to 0…255
        return 0;
    });
}

extern "C" int CVeilDlib_richardsonLucy(uint8_t *pixels, int width, int height, double sigma, int iterations,
                                        char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        if (sigma <= 0 || iterations < 1) {
            report("Richardson-Lucy needs sigma > 0 and at least one iteration", error, errorLength);
            return 1;
        }
        cv::Mat image = wrap(pixels, width, height);
        // Work on values 1…256 so ratios never divide by zero.
        cv::Mat observed;
        image.convertTo(observed, CV_32FC3, 1, 1);
        cv::Mat estimate = observed.clone(), blurred, ratio;
        for (int step = 0; step < iterations; ++step) {
            // The Gaussian is symmetric, so correlating with the flipped kernel is the same blur.
            cv::GaussianBlur(estimate, blurred, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
            cv::divide(observed, cv::max(blurred, 1e-3), ratio);
            cv::GaussianBlur(ratio, ratio, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
            cv::multiply(estimate, ratio, estimate);
        }
        estimate.convertTo(image, CV_8UC3, 1, -1);
        return 0;
    });
}

extern "C" int CVeilDlib_resampleSharpen(uint8_t *pixels, int width, int height, int factor, double sharpenSigma,
                                         double sharpenAmount, char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        if (factor < 1 || sharpenSigma < 0 || sharpenAmount < 0) {
            report("resample-sharpen needs factor ≥ 1, sharpenSigma ≥ 0 and sharpenAmount ≥ 0", error, errorLength);
            return 1;
        }
        cv::Mat image = wrap(pixels, width, height);
        cv::Mat small, large;
        cv::Size reduced(std::max(1, width / factor), std::max(1, height / factor));
        cv::resize(image, small, reduced, 0, 0, cv::INTER_AREA);
        cv::resize(small, large, image.size(), 0, 0, cv::INTER_CUBIC);
        if (sharpenSigma > 0 && sharpenAmount > 0) {
            cv::Mat floats, blurred;
            large.convertTo(floats, CV_32FC3);
            cv::GaussianBlur(floats, blurred, cv::Size(0, 0), sharpenSigma, sharpenSigma, cv::BORDER_REFLECT);
            cv::addWeighted(floats, 1 + sharpenAmount, blurred, -sharpenAmount, 0, floats);
            floats.convertTo(image, CV_8UC3);
        } else {
            large.copyTo(image);
        }
        return 0;
    });
}

extern "C" int CVeilDlib_bilateralFilter(uint8_t *pixels, int width, int height, int diameter, double sigmaColor,
                                         double sigmaSpace, char *error, size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        cv::Mat image = wrap(pixels, width, height);
        cv::Mat filtered;
        cv::bilateralFilter(image, filtered, diameter, sigmaColor, sigmaSpace, cv::BORDER_REFLECT);
        filtered.copyTo(image);
        return 0;
    });
}

extern "C" int CVeilDlib_medianFilter(uint8_t *pixels, int width, int height, int aperture, char *error,
                                      size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        if (aperture < 3 || aperture % 2 == 0) {
            report("the median filter's aperture must be odd and at least 3", error, errorLength);
            return 1;
        }
        cv::Mat image = wrap(pixels, width, height);
        cv::Mat filtered;
        cv::medianBlur(image, filtered, aperture);
        filtered.copyTo(image);
        return 0;
    });
}

extern "C" int CVeilDlib_gaussianSmooth(uint8_t *pixels, int width, int height, double sigma, char *error,
                                        size_t errorLength) {
    return guarded(error, errorLength, [&] {
        if (!validSize(width, height, error, errorLength)) return 1;
        if (sigma <= 0) {
            report("Gaussian smoothing needs sigma > 0", error, errorLength);
            return 1;
        }
        cv::Mat image = wrap(pixels, width, height);
        cv::GaussianBlur(image, image, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
        return 0;
    });
}
