public import Foundation
public import VeilDetection
public import VeilGeometry

extension VideoSettings {
    /// The detectors a video run uses, one per class, on this schedule: faces at
    /// ``detectionProfile``'s input side on every ``fullDetectionStride``-th frame and at
    /// ``coarseDetectionSide`` on every ``detectionStride``-th frame between; plates on every
    /// ``plateDetectionStride``-th frame, half a stride late so they fall between the full face
    /// passes. This is the schedule `veil anonymize` and `veil detect` run; an embedding
    /// program gets the same by calling this (or ``VideoAnonymizer/init(settings:video:detector:store:inference:plateModel:faceModel:)``).
    ///
    /// - Parameters:
    ///   - targets: the classes to detect.
    ///   - choice: the face detector (``DetectorChoice/ensemble`` is CenterFace alone in video,
    ///     see ``DetectionProfile/ensembleUsesYuNet``).
    ///   - threshold: the minimum score.
    ///   - store: where the models are.
    ///   - options: inference options (GPU, threads).
    ///   - plateModel: a YOLO plate model replacing Veil's plate detector.
    ///   - faceModel: a face model replacing Veil's face detector (see `FaceModelDetector`).
    /// - Throws: `DetectionError` when a model is missing or cannot be loaded.
    public func detectors(
        targets: Set<ObjectClass>,
        choice: DetectorChoice = .ensemble,
        threshold: Double,
        store: ModelStore = ModelStore(),
        options: InferenceOptions = InferenceOptions(),
        plateModel: URL? = nil,
        faceModel: URL? = nil
    ) throws(DetectionError) -> [VideoAnonymizer.ClassDetector] {
        var detectors: [VideoAnonymizer.ClassDetector] = []
        for objectClass in targets.sorted() {
            let detector = try choice.makeDetector(
                targets: [objectClass],
                threshold: threshold,
                profile: detectionProfile,
                store: store,
                options: options,
                plateModel: plateModel,
                faceModel: faceModel
            )
            guard objectClass == .face else {
                // Plates run between the full-size face passes (see ClassDetector.isStaggered).
                detectors.append(
                    VideoAnonymizer.ClassDetector(
                        objectClass: objectClass, detector: detector, stride: plateDetectionStride, isStaggered: true))
                continue
            }
            guard fullDetectionStride > detectionStride, let coarse = detector.coarsened(toSide: coarseDetectionSide)
            else {
                detectors.append(
                    VideoAnonymizer.ClassDetector(objectClass: objectClass, detector: detector, stride: detectionStride)
                )
                continue
            }
            detectors.append(
                VideoAnonymizer.ClassDetector(
                    objectClass: objectClass,
                    detector: detector,
                    stride: fullDetectionStride,
                    coarse: VideoAnonymizer.CoarsePass(detector: coarse, stride: detectionStride)
                )
            )
        }
        return detectors
    }
}

extension VideoAnonymizer {
    /// An anonymizer with Veil's own video detection schedule (``VideoSettings/detectors(targets:choice:threshold:store:options:plateModel:faceModel:)``)
    /// for `settings.targets` at `settings.threshold`.
    ///
    /// ```swift
    /// let anonymizer = try VideoAnonymizer(settings: AnonymizationSettings(), video: VideoSettings())
    /// let outcome = try await anonymizer.anonymize(input: clip, output: masked)
    /// ```
    ///
    /// - Throws: `DetectionError` when a model is missing or cannot be loaded.
    public init(
        settings: AnonymizationSettings,
        video: VideoSettings,
        detector choice: DetectorChoice = .ensemble,
        store: ModelStore = ModelStore(),
        inference options: InferenceOptions = InferenceOptions(),
        plateModel: URL? = nil,
        faceModel: URL? = nil
    ) throws(DetectionError) {
        self.init(
            detectors: try video.detectors(
                targets: settings.targets,
                choice: choice,
                threshold: settings.threshold,
                store: store,
                options: options,
                plateModel: plateModel,
                faceModel: faceModel
            ),
            settings: settings,
            video: video
        )
    }
}
