internal import Foundation
public import VeilDetection
public import VeilGeometry
public import VeilMedia

/// Measures how well anonymization resists re-identification.
///
/// Threat model: an adversary holds the anonymized image and a reference photo of the person,
/// and tries to confirm the identity, possibly after trying to undo the mask. The audit plays
/// the strongest such adversary it can: the reference is the original image itself (the best
/// possible reference photo), the face is aligned with the original landmarks by default
/// (``AuditConfiguration/Alignment``), and every configured ``ImageAttack`` is tried. A face is
/// re-identified when any attempt brings dlib's descriptor distance under the threshold.
///
/// Not thread-safe (it owns a ``FaceRecognizer``): create one per task.
///
/// ```swift
/// let auditor = try ReidentificationAuditor(models: .locate(), residualDetector: yunet)
/// let faces = try yunet.detect(in: original).filter { $0.objectClass == .face }
/// let audit = try auditor.audit(original: original, anonymized: masked, faces: faces, path: "a.jpg")
/// let report = AuditReport(files: [audit], configuration: auditor.configuration)
/// print(AuditTable.render(report))
/// ```
public final class ReidentificationAuditor {
    /// How faces are judged.
    public let configuration: AuditConfiguration
    /// Run on the anonymized image to see whether faces can still be found; nil skips the check.
    public let residualDetector: (any ObjectDetector)?
    let recognizer: FaceRecognizer
    /// Every judged face audited so far, with its descriptors (memory only), for
    /// ``identification()``.
    public private(set) var probes: [GalleryProbe] = []
    /// Descriptors of distractor faces added with ``addDistractors(in:faces:)``.
    public private(set) var distractors: [FaceDescriptor] = []

    /// - Throws: ``AuditError`` when a model is missing or unloadable, or the configuration
    ///   is invalid.
    public init(
        models: FaceRecognitionModels,
        configuration: AuditConfiguration = AuditConfiguration(),
        residualDetector: (any ObjectDetector)? = nil
    ) throws(AuditError) {
        try configuration.validate()
        self.configuration = configuration
        self.residualDetector = residualDetector
        self.recognizer = try FaceRecognizer(models: models)
    }

    /// Audits the faces a detector finds in the original.
    ///
    /// - Parameters:
    ///   - original: the original image.
    ///   - anonymized: its anonymized counterpart (same size).
    ///   - faceDetector: finds the faces to audit (only `.face` detections are used).
    ///   - minimumScore: faces the detector scores below this are not audited.
    ///   - masks: the regions the anonymizer painted, when known (see the other overload).
    ///   - path: a name for the report (the pair's relative path).
    public func audit(
        original: Image,
        anonymized: Image,
        faceDetector: any ObjectDetector,
        minimumScore: Double = 0.5,
        masks: [MaskRegion]? = nil,
        path: String = ""
    ) throws(AuditError) -> ImageAudit {
        let faces: [Detection]
        do {
            faces = try faceDetector.detect(in: original).filter { $0.objectClass == .face && $0.score >= minimumScore }
        } catch {
            throw .detectionFailed(reason: "\(faceDetector.name) on the original: \(error)")
        }
        return try audit(original: original, anonymized: anonymized, faces: faces, masks: masks, path: path)
    }

    /// Audits the given faces of one image pair.
    ///
    /// Steps, per face: (1) landmarks and reference descriptor from the original; (2) the
    /// fraction of face pixels that changed; (3) descriptor of the anonymized face without
    /// attack, then after each attack on a crop around the face; (4) whether the residual
    /// detector still finds it.
    ///
    /// - Parameters:
    ///   - original: the original image.
    ///   - anonymized: its anonymized counterpart (same size).
    ///   - faces: faces in the original (boxes in image coordinates); non-face classes ignored.
    ///   - masks: the regions the anonymizer painted, when known: each face then also reports
    ///     the exact ``FaceAudit/maskCoverage`` beside the pixel-change proxy.
    ///   - path: a name for the report (the pair's relative path).
    /// - Throws: ``AuditError/sizeMismatch(original:anonymized:)`` when the sizes differ, or
    ///   whatever dlib, an attack or the residual detector reports.
    /// - Complexity: one descriptor per face per attack (×2 with ``AuditConfiguration/Alignment/worstOfBoth``).
    public func audit(
        original: Image,
        anonymized: Image,
        faces: [Detection],
        masks: [MaskRegion]? = nil,
        path: String = ""
    ) throws(AuditError) -> ImageAudit {
        guard original.size == anonymized.size else {
            throw .sizeMismatch(original: original.size.description, anonymized: anonymized.size.description)
        }
        let bounds = original.size.bounds
        let faceDetections = faces.filter { $0.objectClass == .face }.map { face in
            var clamped = face
            clamped.box = face.box.clamped(to: bounds)
            return clamped
        }.filter { !$0.box.isEmpty }
        var timing = AuditTiming()
        let residual = try residualFaces(in: anonymized)
        var audits: [FaceAudit] = []
        for face in faceDetections {
            let box = face.box
            var (audit, probe) = try auditFace(
                box, original: original, anonymized: anonymized, residual: residual, timing: &timing)
            audit.maskCoverage = masks.map { $0.coverage(of: box) }
            if let found = residual, audit.residualDetection?.isDetected == true {
                audit.residualDetection?.landmarkError = Self.landmarkError(of: face, among: found)
            }
            if var probe {
                probe.path = path
                probe.faceIndex = audits.count
                probes.append(probe)
            }
            audits.append(audit)
        }
        let utility = ImageUtility(
            originalFaceCount: audits.count,
            anonymizedFaceCount: residual?.count,
            untouchedFraction: 1
                - changedFraction(
                    of: Box(x: 0, y: 0, width: Double(original.width), height: Double(original.height)),
                    original: original, anonymized: anonymized)
        )
        return ImageAudit(path: path, faces: audits, timing: timing, utility: utility)
    }

    /// Adds the faces of an image of other people to the identification gallery as
    /// distractors (impostors a masked face must out-rank its own original against). Faces
    /// under ``AuditConfiguration/minimumFaceSide`` are skipped, as they are when judging.
    ///
    /// - Returns: the number of faces added.
    @discardableResult
    public func addDistractors(in image: Image, faces: [Detection]) throws(AuditError) -> Int {
        let boxes = faces.filter { $0.objectClass == .face }.map { $0.box.clamped(to: image.size.bounds) }.filter {
            !$0.isEmpty && min($0.width, $0.height) >= configuration.minimumFaceSide
        }
        for box in boxes {
            let landmarks = try recognizer.landmarks(in: image, face: box)
            distractors.append(try recognizer.descriptor(in: image, face: box, landmarks: landmarks))
        }
        return boxes.count
    }

    /// Ranks every judged face audited so far against the gallery of their originals plus the
    /// distractors (``GalleryIdentification``).
    public func identification() -> GalleryIdentification {
        GalleryIdentification(
            probes: probes, distractors: distractors, sameIdentityThreshold: configuration.matchThreshold)
    }

    // MARK: - One face

    private func auditFace(
        _ box: Box,
        original: Image,
        anonymized: Image,
        residual: [Detection]?,
        timing: inout AuditTiming
    ) throws(AuditError) -> (FaceAudit, GalleryProbe?) {
        let clock = ContinuousClock()
        let residualDetection = residualDetection(of: box, among: residual)
        // 0. Too small for the recogniser: say so instead of a verdict it cannot give.
        if min(box.width, box.height) < configuration.minimumFaceSide {
            let audit = FaceAudit(
                box: box,
                changedFraction: changedFraction(of: box, original: original, anonymized: anonymized),
                distances: [],
                isReidentified: false,
                residualDetection: residualDetection,
                isTooSmallToJudge: true
            )
            return (audit, nil)
        }
        // 1. The reference: the original face, aligned by its own landmarks.
        let start = clock.now
        let landmarks = try recognizer.landmarks(in: original, face: box)
        let reference = try recognizer.descriptor(in: original, face: box, landmarks: landmarks)
        timing.descriptorSeconds += (clock.now - start).seconds
        timing.descriptorCount += 1

        // 2. Coverage proxy.
        let changed = changedFraction(of: box, original: original, anonymized: anonymized)

        // 3. The adversary's attempts, on a crop around the face.
        let context = box.expanded(byFraction: configuration.contextMarginFraction).clamped(to: original.size.bounds)
        let origin = (x: context.minX.rounded(.down), y: context.minY.rounded(.down))
        let crop = anonymized.cropped(to: context)
        let localBox = box.offsetBy(dx: -origin.x, dy: -origin.y)
        let localLandmarks = landmarks.offsetBy(dx: -origin.x, dy: -origin.y)
        var distances: [AttackDistance] = []
        var probeAttempts: [GalleryProbe.Attempt] = []
        let attempts: [ImageAttack?] = [nil] + configuration.attacks
        for attack in attempts {
            var attacked = crop
            if let attack {
                let attackStart = clock.now
                try attack.apply(to: &attacked)
                timing.attackSeconds += (clock.now - attackStart).seconds
            }
            let (distance, descriptor) = try closestDescriptor(
                to: reference, in: attacked, face: localBox, originalLandmarks: localLandmarks, timing: &timing)
            probeAttempts.append(
                GalleryProbe.Attempt(attack: attack?.description ?? AttackDistance.unattacked, descriptor: descriptor))
            distances.append(
                AttackDistance(
                    attack: attack?.description ?? AttackDistance.unattacked,
                    distance: distance,
                    isReidentified: distance < configuration.matchThreshold
                )
            )
        }

        let audit = FaceAudit(
            box: box,
            changedFraction: changed,
            distances: distances,
            isReidentified: distances.contains { $0.isReidentified },
            residualDetection: residualDetection
        )
        return (audit, GalleryProbe(path: "", faceIndex: 0, reference: reference, attempts: probeAttempts))
    }

    /// Whether the residual detector still finds the face at `box`; nil when none ran.
    private func residualDetection(of box: Box, among residual: [Detection]?) -> ResidualDetection? {
        residual.map { found in
            let best = found.max { box.iou($0.box) < box.iou($1.box) }
            let bestIoU = best.map { box.iou($0.box) } ?? 0
            return ResidualDetection(
                detector: residualDetector?.name ?? "",
                isDetected: bestIoU >= configuration.residualDetectionIoU,
                bestIoU: bestIoU,
                score: bestIoU > 0 ? best?.score : nil
            )
        }
    }

    /// The descriptor of one (attacked) crop nearest the reference under the configured
    /// alignment, and its distance.
    private func closestDescriptor(
        to reference: FaceDescriptor,
        in image: Image,
        face: Box,
        originalLandmarks: FaceLandmarks,
        timing: inout AuditTiming
    ) throws(AuditError) -> (Double, FaceDescriptor) {
        var alignments: [FaceLandmarks] = []
        let clock = ContinuousClock()
        let start = clock.now
        switch configuration.alignment {
        case .original:
            alignments = [originalLandmarks]
        case .anonymized:
            alignments = [try recognizer.landmarks(in: image, face: face)]
        case .worstOfBoth:
            alignments = [originalLandmarks, try recognizer.landmarks(in: image, face: face)]
        }
        var best: (Double, FaceDescriptor)?
        for landmarks in alignments {
            let descriptor = try recognizer.descriptor(in: image, face: face, landmarks: landmarks)
            let distance = descriptor.distance(to: reference)
            if distance < best?.0 ?? .infinity { best = (distance, descriptor) }
        }
        timing.descriptorSeconds += (clock.now - start).seconds
        timing.descriptorCount += alignments.count
        return best ?? (.infinity, reference)
    }

    /// Mean distance between a face's landmarks and those of the best-overlapping face found in
    /// the anonymized image, ÷ the distance between the eyes; nil without five landmarks on both.
    public static func landmarkError(of face: Detection, among found: [Detection]) -> Double? {
        guard let best = found.max(by: { face.box.iou($0.box) < face.box.iou($1.box) }),
            face.landmarks.count == 5, best.landmarks.count == 5
        else { return nil }
        let eyes = hypot(face.landmarks[0].x - face.landmarks[1].x, face.landmarks[0].y - face.landmarks[1].y)
        guard eyes > 0 else { return nil }
        let total = zip(face.landmarks, best.landmarks).map { hypot($0.x - $1.x, $0.y - $1.y) }.reduce(0, +)
        return total / 5 / eyes
    }

    /// Faces the residual detector finds in the anonymized image; nil without a detector.
    private func residualFaces(in anonymized: Image) throws(AuditError) -> [Detection]? {
        guard let residualDetector else { return nil }
        do {
            return try residualDetector.detect(in: anonymized).filter {
                $0.objectClass == .face && $0.score >= configuration.residualDetectionScore
            }
        } catch {
            throw .detectionFailed(reason: "\(residualDetector.name) on the anonymized image: \(error)")
        }
    }

    /// Fraction of the box's pixels where any channel moved by more than the tolerance.
    private func changedFraction(of box: Box, original: Image, anonymized: Image) -> Double {
        let x0 = max(0, Int(box.minX.rounded(.down)))
        let y0 = max(0, Int(box.minY.rounded(.down)))
        let x1 = min(original.width, Int(box.maxX.rounded(.up)))
        let y1 = min(original.height, Int(box.maxY.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return 0 }
        let tolerance = configuration.changeTolerance
        var changed = 0
        original.pixels.withUnsafeBufferPointer { before in
            anonymized.pixels.withUnsafeBufferPointer { after in
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let index = original.offset(x: x, y: y)
                        for channel in 0..<3
                        where abs(Int(before[index + channel]) - Int(after[index + channel])) > tolerance {
                            changed += 1
                            break
                        }
                    }
                }
            }
        }
        return Double(changed) / Double((x1 - x0) * (y1 - y0))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
