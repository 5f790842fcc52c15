import ArgumentParser
import Foundation
import VeilAudit
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilVideo

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Measure whether people in anonymized media can still be re-identified.",
        usage: "veil audit <original> <anonymized> [<options>]",
        discussion: """
            Threat model: an adversary holds the anonymized media and a reference photo of a \
            person (here: the original itself, the best reference there can be) and tries to \
            confirm who it is, after trying to undo the mask. For every face found in the \
            original, dlib's face descriptor is computed on the same region of the anonymized \
            media, as is and after each attack (Wiener and Richardson–Lucy deconvolution, \
            resampling with sharpening, denoising); a distance under --match-threshold is a \
            re-identification. Works on any tool's output. Pairs directories by relative path; \
            videos frame by frame. Faces under --min-face-size are listed as "too small to \
            judge" and left out of the rate.

            Identification: each judged masked face is also ranked against a gallery of the \
            originals of every judged face (its own among the others) plus the faces of \
            --gallery photos; it is identified only when its own identity comes first. The \
            rank-1 and rank-5 rates are shown beside chance, with the reference-photo match \
            rates at several thresholds (ROC). A mask that leaves nothing scores at chance.

            Videos with --tracks (the tracks file `veil detect` wrote): the multi-frame \
            averaging attack aligns each face track's masked crops over --average-frames \
            consecutive frames by the track's box, takes their mean and median (noise drawn \
            afresh per frame cancels), attacks those and compares them with the original; \
            reported per track and ranked against the gallery.

            Exit status: 0 done, 1 failed, 2 usage error, 3 rate above --fail-above.
            """
    )

    @Argument(help: "The original image, video or directory.")
    var original: String

    @Argument(help: "The anonymized counterpart (same kind).")
    var anonymized: String

    @Option(help: "Write the full report as JSON (no crops, no descriptors).")
    var json: String?

    @Option(help: "Videos: audit every n-th frame.")
    var sampleEvery: Int = 10

    @Option(help: "Descriptor distance under which a face counts as re-identified (dlib: 0.6).")
    var matchThreshold: Double = AuditConfiguration().matchThreshold

    @Option(help: "Minimum score for a face found in the original to be audited.")
    var faceThreshold: Double = 0.5

    @Option(help: "Exit with status 3 when the re-identification rate exceeds this (0–1).")
    var failAbove: Double?

    @Option(
        help:
            "Faces smaller than this (shorter side, pixels) are reported as too small to judge and left out of the rate: dlib's recogniser is unreliable below about 40 px."
    )
    var minFaceSize: Double = AuditConfiguration().minimumFaceSide

    @Option(
        help: "A directory of photos of other people: their faces join the identification gallery as distractors.")
    var gallery: String?

    @Option(
        help: "The Veil mask the anonymized media was made with, to name its ISO/IEC 20889 technique in the report.")
    var mask: MaskStyle?

    @Option(
        help: ArgumentHelp(
            "Videos: the tracks file `veil detect` wrote for the original; adds mask jitter and flicker per track.",
            valueName: "tracks-file"))
    var tracks: String?

    @Option(
        help: ArgumentHelp(
            "Videos with --tracks: frames per track the multi-frame averaging attack aligns and combines (mean and median); 0 turns it off.",
            valueName: "frames"))
    var averageFrames: Int = 16

    @Option(
        help: ArgumentHelp(
            "Write a contact sheet (.png or .jpg) of the audited faces as anonymized (never the originals), framed red when re-identified, green when not, grey when too small.",
            valueName: "image-file"))
    var sheet: String?

    @Option(
        help: ArgumentHelp(
            "Write SVG plots here: the distance histogram and the reference-photo ROC (numbers only, no faces).",
            valueName: "directory"))
    var plots: String?

    func validate() throws {
        guard sampleEvery >= 1 else { throw ValidationError("--sample-every must be at least 1") }
        guard (0...2).contains(matchThreshold) else { throw ValidationError("--match-threshold must be 0–2") }
        guard minFaceSize >= 0 else { throw ValidationError("--min-face-size must not be negative") }
        guard averageFrames >= 0 else { throw ValidationError("--average-frames must not be negative") }
        if let sheet, !["png", "jpg", "jpeg"].contains(URL(fileURLWithPath: sheet).pathExtension.lowercased()) {
            throw ValidationError("--sheet must name a .png or .jpg file")
        }
    }

    func run() throws {
        var configuration = AuditConfiguration()
        configuration.matchThreshold = matchThreshold
        configuration.minimumFaceSide = minFaceSize
        let models = try FaceRecognitionModels.locate()
        // Faces to audit come from CenterFace alone: YuNet adds boxes on parts of faces (chin,
        // mouth) that are not a face to re-identify and would read as false alarms.
        // The residual search enlarges small photos whole: it checks the masks, so it looks
        // harder than the guided enlargement `anonymize` uses for speed (a lone tiny face that the
        // 1× pass misses is still looked for at 2×).
        var profile = DetectionProfile.stills
        profile.guidedEnlargement = nil
        let detector = try DetectorChoice.centerface.makeDetector(
            targets: [.face], threshold: faceThreshold, profile: profile)
        let auditor = try ReidentificationAuditor(
            models: models,
            configuration: configuration,
            residualDetector: detector
        )
        let originalURL = URL(fileURLWithPath: original)
        let anonymizedURL = URL(fileURLWithPath: anonymized)
        var files: [ImageAudit] = []
        var unpairedOriginals: [String] = []
        var unpairedAnonymized: [String] = []
        let tracksFile = try tracks.map { try TracksFile.load(from: URL(fileURLWithPath: $0)) }
        var stacks: [FrameStack] = []
        var contactSheet = sheet.map { _ in AuditSheet() }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: originalURL.path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            let pairing = try DirectoryPairing(originals: originalURL, anonymized: anonymizedURL)
            unpairedOriginals = pairing.unpairedOriginals
            unpairedAnonymized = pairing.unpairedAnonymized
            for pair in pairing.pairs {
                files.append(
                    try auditImages(
                        pair.original, pair.anonymized, path: pair.relativePath, auditor, detector, &contactSheet)
                )
            }
        } else if MediaKind(url: originalURL) == .video {
            (files, stacks) = try auditVideos(
                originalURL, anonymizedURL, auditor, detector,
                averaging: tracksFile.map { Self.averagingWindows($0, frames: averageFrames) } ?? [:],
                sheet: &contactSheet)
        } else {
            files = [
                try auditImages(
                    originalURL, anonymizedURL, path: originalURL.lastPathComponent, auditor, detector, &contactSheet)
            ]
        }
        if let gallery {
            try addDistractors(under: URL(fileURLWithPath: gallery), auditor, detector)
        }
        let averaging =
            tracksFile != nil && averageFrames > 0 && !stacks.isEmpty
            ? try auditor.auditAveraged(stacks, framesPerTrack: averageFrames) : nil
        let report = AuditReport(
            files: files,
            configuration: configuration,
            unpairedOriginals: unpairedOriginals,
            unpairedAnonymized: unpairedAnonymized,
            models: models.fingerprints + detector.models,
            identification: auditor.identification(),
            mask: mask.map { ($0.rawValue, $0.technique) },
            temporalStability: tracksFile.map(Self.temporalStability),
            frameAveraging: averaging
        )
        print(AuditTable.render(report))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic)
        }
        if let sheet, let contactSheet {
            try ImageCodec.write(contactSheet.render(), to: URL(fileURLWithPath: sheet), quality: 90)
        }
        if let plots {
            let directory = URL(fileURLWithPath: plots)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for plot in AuditPlots.all(report) {
                try Data(plot.svg.utf8).write(to: directory.appendingPathComponent(plot.name), options: .atomic)
            }
        }
        if let failAbove, report.reidentificationRate > failAbove { throw ExitStatus.auditAboveThreshold }
    }

    private func auditImages(
        _ original: URL,
        _ anonymized: URL,
        path: String,
        _ auditor: ReidentificationAuditor,
        _ detector: any ObjectDetector,
        _ sheet: inout AuditSheet?
    ) throws -> ImageAudit {
        let masked = try ImageCodec.read(anonymized)
        let audit = try auditor.audit(
            original: try ImageCodec.read(original),
            anonymized: masked,
            faceDetector: detector,
            minimumScore: faceThreshold,
            path: path
        )
        try sheet?.add(anonymized: masked, faces: audit.faces)
        return audit
    }

    /// Mask steadiness from a tracks file: each track's planned boxes, the ones masks are drawn on.
    private static func temporalStability(_ file: TracksFile) -> TemporalStability {
        TemporalStability(
            tracks: file.tracks.map { track in (id: track.id, boxes: track.boxes.map { (frame: $0.frame, box: $0.box) })
            })
    }

    /// Adds every face found in the photos under `directory` to the gallery as distractors.
    private func addDistractors(
        under directory: URL, _ auditor: ReidentificationAuditor, _ detector: any ObjectDetector
    ) throws {
        for path in try DirectoryPairing.images(under: directory) {
            let image = try ImageCodec.read(directory.appendingPathComponent(path))
            let faces = try detector.detect(in: image).filter { $0.objectClass == .face && $0.score >= faceThreshold }
            try auditor.addDistractors(in: image, faces: faces)
        }
    }

    /// The frames the averaging attack stacks, per frame index: each face track's `frames`
    /// consecutive boxes around the middle of the track (consecutive frames: the least pose change
    /// between them), as (track ID, box).
    private static func averagingWindows(_ file: TracksFile, frames: Int) -> [Int: [(track: Int, box: Box)]] {
        guard frames > 0 else { return [:] }
        var windows: [Int: [(track: Int, box: Box)]] = [:]
        for track in file.tracks where track.objectClass == .face && !track.boxes.isEmpty {
            let boxes = track.boxes.sorted { $0.frame < $1.frame }
            let start = max(0, boxes.count / 2 - frames / 2)
            for entry in boxes[start..<min(boxes.count, start + frames)] {
                windows[entry.frame, default: []].append((track: track.id, box: entry.box))
            }
        }
        return windows
    }

    /// Reads both videos in step, audits every `sampleEvery`-th frame pair and stacks the
    /// `averaging` windows' crops per track.
    private func auditVideos(
        _ original: URL,
        _ anonymized: URL,
        _ auditor: ReidentificationAuditor,
        _ detector: any ObjectDetector,
        averaging: [Int: [(track: Int, box: Box)]],
        sheet: inout AuditSheet?
    ) throws -> ([ImageAudit], [FrameStack]) {
        let originals = try VideoReader(url: original)
        let anonymizeds = try VideoReader(url: anonymized)
        var audits: [ImageAudit] = []
        var stacks: [Int: FrameStack] = [:]
        while let first = try originals.nextFrame() {
            guard let second = try anonymizeds.nextFrame() else {
                throw CommandFailure("\(anonymized.path) has fewer frames than \(original.path)")
            }
            for (track, box) in averaging[first.index] ?? [] {
                try stacks[track, default: FrameStack(trackID: track)].add(
                    frame: first.index, box: box, original: first.image, anonymized: second.image)
            }
            guard first.index % sampleEvery == 0 else { continue }
            let audit = try auditor.audit(
                original: first.image,
                anonymized: second.image,
                faceDetector: detector,
                minimumScore: faceThreshold,
                path: "\(original.lastPathComponent)#frame=\(first.index)"
            )
            try sheet?.add(anonymized: second.image, faces: audit.faces)
            audits.append(audit)
        }
        return (audits, stacks.keys.sorted().compactMap { stacks[$0] })
    }
}
