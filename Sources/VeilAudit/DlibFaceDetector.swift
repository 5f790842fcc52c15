internal import CVeilDlib
internal import Foundation
public import VeilDetection
public import VeilGeometry
public import VeilMedia

/// dlib's HOG frontal face detector: needs no model file, so it is the audit's fallback for
/// finding the faces to check, and a second opinion on residual detectability.
///
/// Finds frontal and near-frontal faces of at least ~80 px (÷ 2 per upsampling step); misses
/// profiles and small faces that the ONNX detectors find. Scores are dlib's SVM margin mapped
/// through a logistic, so margin 0 (dlib's own threshold) reads as 0.5.
public final class DlibFaceDetector: ObjectDetector, @unchecked Sendable {
    /// Tuning, with the trade-off each value makes.
    public struct Configuration: Sendable, Hashable {
        /// How many times the image is doubled before scanning. Each step finds faces half as
        /// large and costs ~4× the time; 0 finds faces of ≥ ~80 px.
        public var upsampleCount: Int
        /// Added to dlib's detection threshold: negative finds more faces and more false ones.
        public var thresholdAdjustment: Double

        /// A configuration.
        public init(upsampleCount: Int = 0, thresholdAdjustment: Double = 0) {
            self.upsampleCount = upsampleCount
            self.thresholdAdjustment = thresholdAdjustment
        }
    }

    /// How it searches.
    public let configuration: Configuration
    /// "dlib-hog".
    public var name: String { "dlib-hog" }
    /// None: the HOG detector is built into dlib.
    public var models: [ModelFingerprint] { [] }

    // @unchecked Sendable: the handle is only touched while `lock` is held (dlib's scanner keeps
    // per-call state), and `configuration` is immutable.
    private let handle: OpaquePointer
    private let lock = NSLock()

    /// Loads dlib's frontal face detector.
    public init(configuration: Configuration = Configuration()) throws(AuditError) {
        guard configuration.upsampleCount >= 0 else {
            throw .invalidConfiguration("upsampleCount must be ≥ 0, got \(configuration.upsampleCount)")
        }
        var error = CErrorBuffer()
        guard let handle = CVeilDlib_faceDetectorCreate(&error.bytes, error.bytes.count) else {
            throw .detectionFailed(reason: error.message)
        }
        self.handle = handle
        self.configuration = configuration
    }

    deinit { CVeilDlib_faceDetectorDestroy(handle) }

    /// Faces in `image` (scores are dlib's detection confidences).
    public func detect(in image: Image) throws(DetectionError) -> [Detection] {
        var rows: UnsafeMutablePointer<Double>?
        var count: Int32 = 0
        var error = CErrorBuffer()
        let status = lock.withLock {
            image.pixels.withUnsafeBufferPointer { pixels in
                CVeilDlib_detectFaces(
                    handle, pixels.baseAddress, Int32(image.width), Int32(image.height),
                    Int32(configuration.upsampleCount), configuration.thresholdAdjustment,
                    &rows, &count, &error.bytes, error.bytes.count
                )
            }
        }
        guard status == 0, let rows else { throw .inferenceFailed(model: name, reason: error.message) }
        defer { CVeilDlib_free(rows) }
        return (0..<Int(count)).map { index in
            let row = rows + 5 * index
            return Detection(
                objectClass: .face,
                box: Box(x: row[0], y: row[1], width: row[2], height: row[3]),
                score: 1 / (1 + exp(-row[4]))
            )
        }
    }
}
