// ONNX Runtime's C API; the header comes from Debian's libonnxruntime-dev (see scripts/setup.sh).
#include <onnxruntime_c_api.h>
