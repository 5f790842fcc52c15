internal import CVeilORT
public import Foundation
internal import VeilMedia

/// The GPU build of ONNX Runtime that `make setup-gpu` installs beside the CPU one, with the
/// CUDA and cuDNN libraries of its PyPI wheels, and what Veil must load before it.
///
/// Setup writes `runtime.json` into the runtime's folder:
///
/// ```json
/// {"version": "1.31.1", "cudaMajor": 13, "library": "onnxruntime/capi/libonnxruntime.so.1.31.1",
///  "preload": ["nvidia/cuda_runtime/lib/libcudart.so.13", "nvidia/cudnn/lib/libcudnn.so.9", "…"]}
/// ```
///
/// Paths are relative to that folder. The provider libraries inside the wheel look for the CUDA
/// libraries by name only (no run path reaches the pip layout), so Veil opens every `preload`
/// library itself before the runtime: no `LD_LIBRARY_PATH` for the user to set.
public struct GPURuntime: Sendable, Hashable, Codable {
    /// ONNX Runtime's version.
    public var version: String
    /// The CUDA major version the runtime was built for (12 or 13).
    public var cudaMajor: Int
    /// The ONNX Runtime library, relative to the folder.
    public var library: String
    /// The CUDA, cuBLAS, cuDNN … libraries to open first, relative to the folder.
    public var preload: [String]

    /// The manifest's file name.
    public static let manifestName = "runtime.json"

    /// Where setup installs the runtime (`/usr/local/lib/veil/onnxruntime-gpu`) and the same
    /// place beside an installed binary (`<prefix>/bin/../lib/veil/onnxruntime-gpu`).
    public static let defaultDirectories: [URL] = {
        var directories = [URL(fileURLWithPath: "/usr/local/lib/veil/onnxruntime-gpu")]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let besideBinary = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("lib/veil/onnxruntime-gpu")
        if besideBinary.path != directories[0].path { directories.append(besideBinary) }
        return directories
    }()

    /// The runtime installed in the first of `directories` that holds a manifest.
    ///
    /// - Returns: the runtime and its folder.
    /// - Throws: ``DetectionError/gpuUnavailable(reason:)`` when none is installed or the
    ///   manifest cannot be read.
    public static func installed(in directories: [URL] = defaultDirectories) throws(DetectionError) -> (
        runtime: GPURuntime, directory: URL
    ) {
        for directory in directories {
            let manifest = directory.appendingPathComponent(manifestName)
            guard FileManager.default.fileExists(atPath: manifest.path) else { continue }
            do {
                let runtime = try JSONDecoder().decode(GPURuntime.self, from: Data(contentsOf: manifest))
                return (runtime, directory)
            } catch {
                throw .gpuUnavailable(reason: "\(manifest.path) cannot be read (\(error)); run `make setup-gpu` again")
            }
        }
        throw .gpuUnavailable(
            reason: "no GPU runtime installed (looked in \(directories.map(\.path).joined(separator: ", "))); "
                + "run `make setup-gpu`"
        )
    }

    /// What the NVIDIA driver offers: its CUDA version (e.g. 12.4 as 12040) and device count.
    ///
    /// - Throws: ``DetectionError/gpuUnavailable(reason:)`` naming what is missing: the driver
    ///   (no `libcuda.so.1`) or a device.
    public static func driver() throws(DetectionError) -> (cudaVersion: Int, devices: Int) {
        var version: Int32 = 0
        var devices: Int32 = 0
        var error = CErrorBuffer()
        guard CVeilORT_cudaDriver(&version, &devices, &error.bytes, error.bytes.count) == 0 else {
            throw .gpuUnavailable(reason: error.message)
        }
        return (Int(version), Int(devices))
    }

    /// Checks that the driver can run this runtime, then makes it the process's ONNX Runtime.
    ///
    /// Must run before any model loads (the CPU library serves every session once one exists).
    ///
    /// - Throws: ``DetectionError/gpuUnavailable(reason:)`` with the reason: no driver, no
    ///   device, a driver older than the runtime's CUDA, a library that does not load.
    public func load(from directory: URL) throws(DetectionError) {
        let (driverVersion, _) = try Self.driver()
        let driverMajor = driverVersion / 1000
        guard driverMajor >= cudaMajor else {
            throw .gpuUnavailable(
                reason: "the NVIDIA driver supports CUDA \(driverMajor).\(driverVersion % 1000 / 10), "
                    + "but the installed onnxruntime-gpu \(version) needs CUDA \(cudaMajor); "
                    + "run `make setup-gpu` again to install the build for this driver"
            )
        }
        let libraries = preload.map { directory.appendingPathComponent($0).path }
        var error = CErrorBuffer()
        let status = withCStrings(libraries) { pointers in
            CVeilORT_useRuntime(
                directory.appendingPathComponent(library).path, pointers, libraries.count, &error.bytes,
                error.bytes.count)
        }
        guard status == 0 else { throw .gpuUnavailable(reason: error.message) }
    }

    /// The installed runtime, loaded once per process on first use.
    static let loaded: Result<GPURuntime, DetectionError> = {
        do throws(DetectionError) {
            let (runtime, directory) = try installed()
            try runtime.load(from: directory)
            return .success(runtime)
        } catch {
            return .failure(error)
        }
    }()
}

/// Lends `strings` as a C array of C strings for the duration of `body`.
private func withCStrings<Result>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let copies = strings.map { strdup($0) }
    defer {
        for copy in copies { free(copy) }
    }
    // A trailing nil keeps the array non-empty, so its buffer always has an address.
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { buffer in body(buffer.baseAddress!) }
}
