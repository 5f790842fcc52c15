// A small C face over ONNX Runtime's C API: one float input, float outputs.
//
// Why a shim: ONNX Runtime's API is a table of function pointers with status objects that
// must be released; keeping those in C means the Swift side only sees plain calls that return
// 0 on success or fill `error` with ONNX Runtime's message. Nothing here leaks ORT types.
#ifndef CVEIL_ORT_H
#define CVEIL_ORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CVeilORT_Session CVeilORT_Session;

typedef struct {
    int intraOpThreads;   // 0 = ONNX Runtime's default
    int allowSpinning;    // 0: idle ORT threads sleep instead of stealing the encoder's CPU
    int useCUDA;          // 1: append the CUDA provider (fails if this build has none)
    int useTensorRT;      // 1: append the TensorRT provider before CUDA (needs useCUDA too)
    const char *tensorRTCachePath;  // TensorRT's engine cache folder (created by the caller)
} CVeilORT_Options;

/// Bits of CVeilORT_providersUsed.
enum { CVEIL_ORT_USED_CUDA = 1, CVEIL_ORT_USED_TENSORRT = 2 };

enum { CVEIL_ORT_MAX_RANK = 8 };

/// One output of a run, lent by ONNX Runtime: `data` points into the output's OrtValue and stays
/// valid, unmoved, until the CVeilORT_Outputs it came from is released; read only (the values
/// may be ONNX Runtime's arena memory). ONNX Runtime's CPU allocator aligns tensor data to 64
/// bytes, more than `float` needs.
typedef struct {
    const float *data;
    size_t count;
    int64_t shape[CVEIL_ORT_MAX_RANK];
    size_t rank;
} CVeilORT_Tensor;

/// The outputs of one run (their OrtValues), owned by the caller until CVeilORT_releaseOutputs.
typedef struct CVeilORT_Outputs CVeilORT_Outputs;

/// ONNX Runtime's version string, e.g. "1.32.0".
const char *CVeilORT_version(void);

/// Whether this ONNX Runtime library offers the CUDA execution provider.
int CVeilORT_hasCUDA(void);

/// Switches the process to another ONNX Runtime library (the GPU build installed by
/// `make setup-gpu`) before any model loads: first opens each of `preload` globally (the
/// pip-installed CUDA, cuBLAS and cuDNN libraries, which the provider library finds by soname
/// only, having no run path to them; order does not matter, failures are retried until no
/// more load), then `library`, whose C API then serves every later call.
/// Fails (non-zero, message in `error`) when a session already exists, a file cannot be opened,
/// or the library has no OrtGetApiBase. Calling it again with the same library is a no-op.
int CVeilORT_useRuntime(const char *library, const char *const *preload, size_t preloadCount, char *error,
                        size_t errorLength);

/// What the NVIDIA driver says, without touching ONNX Runtime: fills `driverVersion` (e.g.
/// 12040 for CUDA 12.4) and `deviceCount`. Returns non-zero with the reason in `error` when
/// libcuda.so.1 cannot be opened or cuInit fails.
int CVeilORT_cudaDriver(int *driverVersion, int *deviceCount, char *error, size_t errorLength);

/// Which GPU providers any session of this process was created with (CVEIL_ORT_USED_* bits).
int CVeilORT_providersUsed(void);

int CVeilORT_create(const char *modelPath, const CVeilORT_Options *options, CVeilORT_Session **session,
                    char *error, size_t errorLength);
void CVeilORT_destroy(CVeilORT_Session *session);

size_t CVeilORT_outputCount(const CVeilORT_Session *session);
/// The output's name (valid while the session lives).
const char *CVeilORT_outputName(const CVeilORT_Session *session, size_t index);
/// The first input's declared shape; symbolic dimensions are -1.
int CVeilORT_inputShape(const CVeilORT_Session *session, int64_t *shape, size_t *rank);

/// Runs the model on one float tensor of `shape`; fills `tensors` (CVeilORT_outputCount of
/// them) with views of the outputs, without copying them, and sets `*outputs` to the handle
/// that keeps them alive. The input is borrowed for the call only (wrapped, not copied, never
/// written). On failure (non-zero, message in `error`) nothing needs releasing.
/// Fails when an output is not a float tensor.
int CVeilORT_run(CVeilORT_Session *session, const float *input, const int64_t *shape, size_t rank,
                 CVeilORT_Tensor *tensors, CVeilORT_Outputs **outputs, char *error, size_t errorLength);
/// Releases a run's outputs: every CVeilORT_Tensor filled by that run dangles afterwards.
void CVeilORT_releaseOutputs(CVeilORT_Outputs *outputs);

#ifdef __cplusplus
}
#endif
#endif
