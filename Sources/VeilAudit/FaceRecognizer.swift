internal import CVeilDlib
public import VeilGeometry
public import VeilMedia

/// dlib's 5-point shape predictor and ResNet face descriptor, loaded once.
///
/// Not thread-safe (dlib's network keeps per-call state) and therefore not `Sendable`: create
/// one per task or thread. Loading takes ~0.2 s; a descriptor ~10 ms with OpenBLAS.
///
/// ```swift
/// let recognizer = try FaceRecognizer(models: .locate())
/// let landmarks = try recognizer.landmarks(in: image, face: box)
/// let descriptor = try recognizer.descriptor(in: image, face: box, landmarks: landmarks)
/// ```
public final class FaceRecognizer {
    private let handle: OpaquePointer

    /// Loads both models.
    ///
    /// - Throws: ``AuditError/modelMissing(name:searched:)`` or
    ///   ``AuditError/modelLoadFailed(path:reason:)``.
    public init(models: FaceRecognitionModels) throws(AuditError) {
        let missing = models.missingFiles
        guard missing.isEmpty else {
            throw .modelMissing(
                name: missing.joined(separator: " and "),
                searched: [models.shapePredictor.deletingLastPathComponent().path]
            )
        }
        var error = CErrorBuffer()
        guard
            let handle = CVeilDlib_recognizerCreate(
                models.shapePredictor.path,
                models.network.path,
                &error.bytes,
                error.bytes.count
            )
        else {
            throw .modelLoadFailed(
                path: "\(models.shapePredictor.path) or \(models.network.path)",
                reason: error.message
            )
        }
        self.handle = handle
    }

    deinit { CVeilDlib_recognizerDestroy(handle) }

    /// The five landmarks of the face inside `face`.
    public func landmarks(in image: Image, face: Box) throws(AuditError) -> FaceLandmarks {
        var coordinates = [Double](repeating: 0, count: 2 * Int(CVEIL_DLIB_LANDMARK_COUNT))
        var error = CErrorBuffer()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            CVeilDlib_landmarks(
                handle, pixels.baseAddress, Int32(image.width), Int32(image.height),
                face.x, face.y, face.width, face.height,
                &coordinates, &error.bytes, error.bytes.count
            )
        }
        guard status == 0 else { throw .descriptorFailed(reason: error.message) }
        return FaceLandmarks(
            points: stride(from: 0, to: coordinates.count, by: 2).map {
                Point(x: coordinates[$0], y: coordinates[$0 + 1])
            }
        )
    }

    /// The descriptor of the face aligned by `landmarks` (a 150 × 150 chip that lives only
    /// inside this call).
    public func descriptor(in image: Image, face: Box, landmarks: FaceLandmarks) throws(AuditError) -> FaceDescriptor {
        guard landmarks.points.count == Int(CVEIL_DLIB_LANDMARK_COUNT) else {
            throw .descriptorFailed(
                reason: "expected \(CVEIL_DLIB_LANDMARK_COUNT) landmarks, got \(landmarks.points.count)")
        }
        let coordinates = landmarks.points.flatMap { [$0.x, $0.y] }
        var values = [Float](repeating: 0, count: FaceDescriptor.length)
        var error = CErrorBuffer()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            CVeilDlib_descriptor(
                handle, pixels.baseAddress, Int32(image.width), Int32(image.height),
                face.x, face.y, face.width, face.height,
                coordinates, &values, &error.bytes, error.bytes.count
            )
        }
        guard status == 0 else { throw .descriptorFailed(reason: error.message) }
        return FaceDescriptor(values: values)
    }
}
