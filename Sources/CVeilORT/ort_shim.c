#include "CVeilORT.h"

#include <onnxruntime_c_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct CVeilORT_Session {
    OrtSession *session;
    char *inputName;
    size_t outputCount;
    char **outputNames;
};

static const OrtApi *api;
static OrtEnv *env;
static char envError[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;
/// The runtime chosen by CVeilORT_useRuntime, or NULL for the linked one; set before `once` runs.
static const OrtApiBase *selectedBase;
static char selectedLibrary[4096];
static pthread_mutex_t selection = PTHREAD_MUTEX_INITIALIZER;
static atomic_int started;
static atomic_int providersUsed;

static const OrtApiBase *apiBase(void) { return selectedBase ? selectedBase : OrtGetApiBase(); }

/// One CPU arena for every session: the detectors run one after another on the plan thread, so
/// they can reuse each other's blocks. It grows in regions of doubling size (ONNX Runtime's
/// default, kNextPowerOfTwo), not by what each request asks: grown by request, every new input
/// shape left regions of its own sizes that freed blocks could not merge across, and a folder of
/// photos of many sizes took the arena far past any one photo's need (faces-masks-dev at the
/// defaults, faces capped at 1024 x 640 px: 344 against 241 MB; a 1080p clip 520 against 510-516 MB). The unused tail of a
/// large region is never touched, so it costs address space, not memory (docs/DECISIONS.md,
/// "Photos: memory under 300 MB").
/// Best effort: without it each session keeps its own arena, as ONNX Runtime does by default.
static int sharedArena;
static void registerSharedArena(void) {
    OrtMemoryInfo *info = NULL;
    OrtArenaCfg *config = NULL;
    OrtStatus *status = api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &info);
    const char *keys[] = {"arena_extend_strategy"};
    const size_t values[] = {0};  // kNextPowerOfTwo
    if (!status) status = api->CreateArenaCfgV2(keys, values, 1, &config);
    if (!status) status = api->CreateAndRegisterAllocator(env, info, config);
    sharedArena = status == NULL;
    if (status) api->ReleaseStatus(status);
    if (config) api->ReleaseArenaCfg(config);
    if (info) api->ReleaseMemoryInfo(info);
}

static void initialize(void) {
    pthread_mutex_lock(&selection);
    atomic_store(&started, 1);
    pthread_mutex_unlock(&selection);
    // The header may be older than the library (Debian's header, PyPI's library): ask for the
    // header's API version, which every newer library still serves.
    api = apiBase()->GetApi(ORT_API_VERSION);
    if (!api) {
        snprintf(envError, sizeof envError, "ONNX Runtime %s does not serve C API version %d",
                 apiBase()->GetVersionString(), ORT_API_VERSION);
        return;
    }
    OrtStatus *status = api->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "veil", &env);
    if (status) {
        snprintf(envError, sizeof envError, "%s", api->GetErrorMessage(status));
        api->ReleaseStatus(status);
        env = NULL;
        return;
    }
    registerSharedArena();
}

/// Copies an ORT status message into `error` and releases the status; returns 1 if it failed.
static int failed(OrtStatus *status, char *error, size_t errorLength) {
    if (!status) return 0;
    snprintf(error, errorLength, "%s", api->GetErrorMessage(status));
    api->ReleaseStatus(status);
    return 1;
}

/// For calls whose failure changes nothing for the caller (freeing a name, releasing a list):
/// the status an error returns is an allocation of its own and is released, not leaked.
static void releaseStatus(OrtStatus *status) {
    if (status) api->ReleaseStatus(status);
}

const char *CVeilORT_version(void) { return apiBase()->GetVersionString(); }

int CVeilORT_useRuntime(const char *library, const char *const *preload, size_t preloadCount, char *error,
                        size_t errorLength) {
    pthread_mutex_lock(&selection);
    int rc = 1;
    if (selectedBase && strcmp(selectedLibrary, library) == 0) {
        rc = 0;
        goto done;
    }
    if (atomic_load(&started)) {
        snprintf(error, errorLength, "ONNX Runtime already started with %s; choose the GPU before loading any model",
                 selectedBase ? selectedLibrary : "the CPU library");
        goto done;
    }
    // Libraries depend on each other (cuDNN on cuBLAS, cuBLAS on cuBLASLt): open what opens,
    // then retry the rest until a round opens nothing more.
    int *opened = calloc(preloadCount ? preloadCount : 1, sizeof(int));
    if (!opened) goto done;
    size_t remaining = preloadCount;
    for (int progress = 1; remaining > 0 && progress;) {
        progress = 0;
        for (size_t i = 0; i < preloadCount; i++) {
            if (opened[i] || !dlopen(preload[i], RTLD_NOW | RTLD_GLOBAL)) continue;
            opened[i] = 1;
            remaining--;
            progress = 1;
        }
    }
    for (size_t i = 0; i < preloadCount && remaining > 0; i++) {
        if (opened[i]) continue;
        dlerror();
        dlopen(preload[i], RTLD_NOW | RTLD_GLOBAL);
        const char *reason = dlerror();
        snprintf(error, errorLength, "cannot load %s: %s", preload[i], reason ? reason : "unknown reason");
        free(opened);
        goto done;
    }
    free(opened);
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *reason = dlerror();
        snprintf(error, errorLength, "cannot load %s: %s", library, reason ? reason : "unknown reason");
        goto done;
    }
    const OrtApiBase *(*getBase)(void) = (const OrtApiBase *(*)(void))dlsym(handle, "OrtGetApiBase");
    if (!getBase) {
        snprintf(error, errorLength, "%s has no OrtGetApiBase: not an ONNX Runtime library", library);
        goto done;
    }
    selectedBase = getBase();
    snprintf(selectedLibrary, sizeof selectedLibrary, "%s", library);
    rc = 0;
done:
    pthread_mutex_unlock(&selection);
    return rc;
}

int CVeilORT_cudaDriver(int *driverVersion, int *deviceCount, char *error, size_t errorLength) {
    *driverVersion = 0;
    *deviceCount = 0;
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!cuda) {
        snprintf(error, errorLength, "no NVIDIA driver (libcuda.so.1 cannot be loaded)");
        return 1;
    }
    // The driver API's own signatures (cuda.h), declared here so no CUDA header is needed.
    int (*cuInit)(unsigned) = (int (*)(unsigned))dlsym(cuda, "cuInit");
    int (*cuDriverGetVersion)(int *) = (int (*)(int *))dlsym(cuda, "cuDriverGetVersion");
    int (*cuDeviceGetCount)(int *) = (int (*)(int *))dlsym(cuda, "cuDeviceGetCount");
    if (!cuInit || !cuDriverGetVersion || !cuDeviceGetCount) {
        snprintf(error, errorLength, "libcuda.so.1 lacks the CUDA driver API");
        return 1;
    }
    cuDriverGetVersion(driverVersion);
    int status = cuInit(0);
    if (status != 0) {
        // 100: CUDA_ERROR_NO_DEVICE; 35: CUDA_ERROR_INSUFFICIENT_DRIVER.
        snprintf(error, errorLength, status == 100 ? "no CUDA device (cuInit: no device)" : "cuInit failed with CUDA error %d",
                 status);
        return 1;
    }
    if (cuDeviceGetCount(deviceCount) != 0 || *deviceCount == 0) {
        snprintf(error, errorLength, "no CUDA device");
        return 1;
    }
    return 0;
}

int CVeilORT_providersUsed(void) { return atomic_load(&providersUsed); }

int CVeilORT_hasCUDA(void) {
    pthread_once(&once, initialize);
    if (!api) return 0;
    char **providers = NULL;
    int count = 0;
    if (api->GetAvailableProviders(&providers, &count)) return 0;
    int found = 0;
    for (int i = 0; i < count; i++) {
        if (strcmp(providers[i], "CUDAExecutionProvider") == 0) found = 1;
    }
    releaseStatus(api->ReleaseAvailableProviders(providers, count));
    return found;
}

int CVeilORT_create(const char *modelPath, const CVeilORT_Options *options, CVeilORT_Session **out,
                    char *error, size_t errorLength) {
    pthread_once(&once, initialize);
    if (!api || !env) {
        snprintf(error, errorLength, "%s", envError);
        return 1;
    }
    OrtSessionOptions *sessionOptions = NULL;
    if (failed(api->CreateSessionOptions(&sessionOptions), error, errorLength)) return 1;
    int rc = 1;
    OrtAllocator *allocator = NULL;
    CVeilORT_Session *result = calloc(1, sizeof *result);
    if (!result) goto done;
    if (failed(api->SetSessionGraphOptimizationLevel(sessionOptions, ORT_ENABLE_ALL), error, errorLength)) goto done;
    if (options->intraOpThreads > 0 &&
        failed(api->SetIntraOpNumThreads(sessionOptions, options->intraOpThreads), error, errorLength)) goto done;
    if (failed(api->SetInterOpNumThreads(sessionOptions, 1), error, errorLength)) goto done;
    // No memory pattern: ONNX Runtime would otherwise plan and keep one block per input shape
    // for all intermediate tensors; letting the arena reuse freed tensors instead lowered peak
    // RSS of the 1080p bench by 40 MB at the same speed (docs/DECISIONS.md).
    if (failed(api->DisableMemPattern(sessionOptions), error, errorLength)) goto done;
    if (failed(api->AddSessionConfigEntry(sessionOptions, "session.intra_op.allow_spinning",
                                          options->allowSpinning ? "1" : "0"), error, errorLength)) goto done;
    if (failed(api->AddSessionConfigEntry(sessionOptions, "session.inter_op.allow_spinning",
                                          options->allowSpinning ? "1" : "0"), error, errorLength)) goto done;
    if (sharedArena && failed(api->AddSessionConfigEntry(sessionOptions, "session.use_env_allocators", "1"), error,
                              errorLength)) goto done;
    // Providers are tried in the order appended: TensorRT, then CUDA, then the CPU for
    // whatever neither runs.
    if (options->useTensorRT) {
        OrtTensorRTProviderOptionsV2 *tensorRT = NULL;
        if (failed(api->CreateTensorRTProviderOptions(&tensorRT), error, errorLength)) goto done;
        const char *keys[] = {"device_id", "trt_engine_cache_enable", "trt_engine_cache_path"};
        const char *values[] = {"0", "1", options->tensorRTCachePath ? options->tensorRTCachePath : "."};
        OrtStatus *status = api->UpdateTensorRTProviderOptions(tensorRT, keys, values, 3);
        if (!status) status = api->SessionOptionsAppendExecutionProvider_TensorRT_V2(sessionOptions, tensorRT);
        api->ReleaseTensorRTProviderOptions(tensorRT);
        if (failed(status, error, errorLength)) goto done;
    }
    if (options->useCUDA) {
        OrtCUDAProviderOptionsV2 *cuda = NULL;
        if (failed(api->CreateCUDAProviderOptions(&cuda), error, errorLength)) goto done;
        // Heuristic cuDNN algorithm choice: the exhaustive default benchmarks every convolution
        // again for each new input size, and video changes sizes between full and coarse passes.
        const char *keys[] = {"device_id", "cudnn_conv_algo_search"};
        const char *values[] = {"0", "HEURISTIC"};
        OrtStatus *status = api->UpdateCUDAProviderOptions(cuda, keys, values, 2);
        if (!status) status = api->SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions, cuda);
        api->ReleaseCUDAProviderOptions(cuda);
        if (failed(status, error, errorLength)) goto done;
    }
    if (failed(api->CreateSession(env, modelPath, sessionOptions, &result->session), error, errorLength)) goto done;
    if (options->useCUDA) atomic_fetch_or(&providersUsed, CVEIL_ORT_USED_CUDA);
    if (options->useTensorRT) atomic_fetch_or(&providersUsed, CVEIL_ORT_USED_TENSORRT);
    if (failed(api->GetAllocatorWithDefaultOptions(&allocator), error, errorLength)) goto done;

    char *name = NULL;
    if (failed(api->SessionGetInputName(result->session, 0, allocator, &name), error, errorLength)) goto done;
    result->inputName = strdup(name);
    releaseStatus(api->AllocatorFree(allocator, name));
    if (failed(api->SessionGetOutputCount(result->session, &result->outputCount), error, errorLength)) goto done;
    result->outputNames = calloc(result->outputCount, sizeof(char *));
    for (size_t i = 0; i < result->outputCount; i++) {
        if (failed(api->SessionGetOutputName(result->session, i, allocator, &name), error, errorLength)) goto done;
        result->outputNames[i] = strdup(name);
        releaseStatus(api->AllocatorFree(allocator, name));
    }
    rc = 0;
done:
    api->ReleaseSessionOptions(sessionOptions);
    if (rc == 0) {
        *out = result;
    } else {
        CVeilORT_destroy(result);
    }
    return rc;
}

void CVeilORT_destroy(CVeilORT_Session *session) {
    if (!session) return;
    if (session->session) api->ReleaseSession(session->session);
    free(session->inputName);
    for (size_t i = 0; session->outputNames && i < session->outputCount; i++) free(session->outputNames[i]);
    free(session->outputNames);
    free(session);
}

size_t CVeilORT_outputCount(const CVeilORT_Session *session) { return session->outputCount; }

const char *CVeilORT_outputName(const CVeilORT_Session *session, size_t index) {
    return index < session->outputCount ? session->outputNames[index] : NULL;
}

int CVeilORT_inputShape(const CVeilORT_Session *session, int64_t *shape, size_t *rank) {
    OrtTypeInfo *typeInfo = NULL;
    const OrtTensorTypeAndShapeInfo *info = NULL;
    char ignored[16];
    if (failed(api->SessionGetInputTypeInfo(session->session, 0, &typeInfo), ignored, sizeof ignored)) return 1;
    int rc = 1;
    if (failed(api->CastTypeInfoToTensorInfo(typeInfo, &info), ignored, sizeof ignored)) goto done;
    if (failed(api->GetDimensionsCount(info, rank), ignored, sizeof ignored)) goto done;
    if (*rank > CVEIL_ORT_MAX_RANK) goto done;
    if (failed(api->GetDimensions(info, shape, *rank), ignored, sizeof ignored)) goto done;
    rc = 0;
done:
    api->ReleaseTypeInfo(typeInfo);
    return rc;
}

struct CVeilORT_Outputs {
    size_t count;
    OrtValue *values[];
};

void CVeilORT_releaseOutputs(CVeilORT_Outputs *outputs) {
    if (!outputs) return;
    for (size_t i = 0; i < outputs->count; i++) {
        if (outputs->values[i]) api->ReleaseValue(outputs->values[i]);
    }
    free(outputs);
}

int CVeilORT_run(CVeilORT_Session *session, const float *input, const int64_t *shape, size_t rank,
                 CVeilORT_Tensor *tensors, CVeilORT_Outputs **outputs, char *error, size_t errorLength) {
    OrtMemoryInfo *memory = NULL;
    OrtValue *inputValue = NULL;
    CVeilORT_Outputs *held = calloc(1, sizeof *held + session->outputCount * sizeof(OrtValue *));
    int rc = 1;
    size_t elementCount = 1;
    for (size_t i = 0; i < rank; i++) elementCount *= (size_t)shape[i];
    *outputs = NULL;
    memset(tensors, 0, session->outputCount * sizeof *tensors);
    if (!held) goto done;
    held->count = session->outputCount;
    // The input is wrapped, not copied: CreateTensorWithDataAsOrtValue borrows `input` (it
    // neither frees nor writes it) for as long as `inputValue` lives, released below right
    // after Run; a CPU tensor the caller owns needs no alignment beyond its element type's.
    if (failed(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memory), error, errorLength)) goto done;
    if (failed(api->CreateTensorWithDataAsOrtValue(memory, (void *)input, elementCount * sizeof(float), shape, rank,
                                                   ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &inputValue),
               error, errorLength))
        goto done;
    const char *inputNames[] = {session->inputName};
    // Outputs not pre-allocated: ONNX Runtime allocates each OrtValue (on the CPU, copied
    // there from a GPU provider) and hands it to us; its data stays put until ReleaseValue.
    if (failed(api->Run(session->session, NULL, inputNames, (const OrtValue *const *)&inputValue, 1,
                        (const char *const *)session->outputNames, session->outputCount, held->values),
               error, errorLength))
        goto done;
    for (size_t i = 0; i < session->outputCount; i++) {
        OrtTensorTypeAndShapeInfo *info = NULL;
        float *data = NULL;
        if (failed(api->GetTensorTypeAndShape(held->values[i], &info), error, errorLength)) goto done;
        ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
        size_t count = 0, outRank = 0;
        OrtStatus *status = api->GetTensorElementType(info, &type);
        if (!status) status = api->GetTensorShapeElementCount(info, &count);
        if (!status) status = api->GetDimensionsCount(info, &outRank);
        if (!status && outRank <= CVEIL_ORT_MAX_RANK) status = api->GetDimensions(info, tensors[i].shape, outRank);
        api->ReleaseTensorTypeAndShapeInfo(info);
        if (failed(status, error, errorLength)) goto done;
        if (outRank > CVEIL_ORT_MAX_RANK) {
            snprintf(error, errorLength, "output %zu has rank %zu", i, outRank);
            goto done;
        }
        if (type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
            snprintf(error, errorLength, "output %zu (%s) is not a float tensor (ONNX element type %d)", i,
                     session->outputNames[i], (int)type);
            goto done;
        }
        if (failed(api->GetTensorMutableData(held->values[i], (void **)&data), error, errorLength)) goto done;
        tensors[i].data = data;
        tensors[i].count = count;
        tensors[i].rank = outRank;
    }
    rc = 0;
done:
    if (inputValue) api->ReleaseValue(inputValue);
    if (memory) api->ReleaseMemoryInfo(memory);
    if (rc) {
        CVeilORT_releaseOutputs(held);
        memset(tensors, 0, session->outputCount * sizeof *tensors);
    } else {
        *outputs = held;
    }
    return rc;
}
