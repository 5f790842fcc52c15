// Internal to CVeilDlib: turns every C++ exception into a return code and a message.
#pragma once

#include <opencv2/core.hpp>

#include <cstdio>
#include <exception>

namespace cveil_dlib {

inline void report(const char *message, char *error, size_t errorLength) {
    if (error && errorLength) std::snprintf(error, errorLength, "%s", message);
}

/// Runs `body` (which returns 0 on success); any exception becomes 1 and a message.
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

} // namespace cveil_dlib
