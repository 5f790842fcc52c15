public import Foundation
public import VeilDetection
public import VeilGeometry
import VeilMedia

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
            guard objectClass == .face else {
                detectors.append(
                    try plateDetector(
                        objectClass: objectClass, choice: choice, threshold: threshold, store: store, options: options,
                        plateModel: plateModel))
                continue
            }
            let detector = try choice.makeDetector(
                targets: [objectClass],
                threshold: threshold,
                profile: detectionProfile,
                store: store,
                options: options,
                plateModel: plateModel,
                faceModel: faceModel
            )
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

    /// Plates: a pass at ``DetectionProfile/plateInputSide`` on every
    /// ``plateDetectionStride``-th frame (in strips, ``plateBands``) and, on every
    /// ``plateHighResolutionStride``-th of a frame at least ``plateHighResolutionMinimumSide``
    /// long, one at the stills' plate scale
    /// (enlarged or tiled, see `PlateScanPlan`), both between the full-size face passes (see
    /// ClassDetector.isStaggered). What the high-resolution passes find is followed in crops on
    /// the passes between (``PlateFollowUp``).
    private func plateDetector(
        objectClass: ObjectClass, choice: DetectorChoice, threshold: Double, store: ModelStore,
        options: InferenceOptions, plateModel: URL?
    ) throws(DetectionError) -> VideoAnonymizer.ClassDetector {
        var profile = detectionProfile
        profile.allowsTiling = false
        let regular = try choice.makeDetector(
            targets: [objectClass], threshold: threshold, profile: profile, store: store, options: options,
            plateModel: plateModel)
        // A bring-your-own model has no scan plan: it runs as it is on the regular schedule.
        guard plateModel == nil, plateHighResolutionStride > 0 else {
            var detector = VideoAnonymizer.ClassDetector(
                objectClass: objectClass, detector: regular, stride: plateDetectionStride, isStaggered: true)
            if plateModel == nil, plateBands > 1 {
                var strips = PlateStripSearch()
                strips.configuration.bands = plateBands
                detector.stripSearch = strips
            }
            return detector
        }
        profile.allowsTiling = true
        // Wide frames' high-resolution passes and their follow-up crops also accept a plate the
        // text detector boxed whole (fisheye plates seen at an angle, docs/PLATES.md).
        profile.searchesPlateFields = true
        let stills = try choice.makeDetector(
            targets: [objectClass], threshold: threshold, profile: profile, store: store, options: options)
        // Both the pass and the follow-up crops read the frame with its lightness equalized
        // (``EqualizedDetector``): the fisheye lp clip's faint Tesla plate is found from frame 3
        // instead of 14. The pass's tiles are ~160 px (with ~48 px tiles the Mercedes' text
        // region came and went between passes), the crops' ~48 px (docs/PLATES.md,
        // "Equalized high-resolution reading").
        let highResolution = LargeFrameDetector(
            large: EqualizedDetector(wrapping: stills, tileSide: 160), regular: regular,
            minimumSide: plateHighResolutionMinimumSide)
        // Crops are read as photos of plates half the stills' smallest (characters ~1.9 ×
        // enlarged): a followed plate is small by definition, and a crop is cheap.
        profile.smallestPlate /= 2
        let crops = try choice.makeDetector(
            targets: [objectClass], threshold: threshold, profile: profile, store: store, options: options)
        let followUp = PlateFollowUp(
            detector: EqualizedDetector(wrapping: crops), minimumFrameSide: plateHighResolutionMinimumSide)
        guard plateHighResolutionStride > plateDetectionStride else {
            var detector = VideoAnonymizer.ClassDetector(
                objectClass: objectClass, detector: highResolution, stride: plateHighResolutionStride,
                isStaggered: true)
            detector.followUp = followUp
            return detector
        }
        var detector = VideoAnonymizer.ClassDetector(
            objectClass: objectClass,
            detector: highResolution,
            stride: plateHighResolutionStride,
            coarse: VideoAnonymizer.CoarsePass(
                detector: regular, stride: plateDetectionStride, reliableSide: Self.plateReliableSide),
            isStaggered: true
        )
        detector.followUp = followUp
        return detector
    }

    /// The shortest plate box (pixels at the regular pass's input) that pass finds reliably:
    /// a box is ~2.2 × its characters' height and the text detector reads characters from
    /// ~12 px; smaller plates are left to the high-resolution passes and the tracker.
    static let plateReliableSide: Double = 32
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

/// The stills' plate detector on frames at least `minimumSide` long, the regular one on
/// smaller frames (where the high-resolution pass would cost many regular passes for plates
/// the regular pass mostly sees).
struct LargeFrameDetector: ObjectDetector {
    let large: any ObjectDetector
    let regular: any ObjectDetector
    let minimumSide: Int

    var name: String { large.name }
    var models: [ModelFingerprint] { large.models }

    func detect(in image: Image) throws(DetectionError) -> [Detection] {
        max(image.width, image.height) >= minimumSide
            ? try large.detect(in: image) : try regular.detect(in: image)
    }
}
