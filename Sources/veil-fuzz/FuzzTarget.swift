import Foundation
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilPipeline
import VeilVideo

/// What a fuzz target feeds with untrusted bytes. Each case runs the same code a user's file
/// reaches in `veil`, not a copy of it; errors are expected, crashes and sanitizer reports are
/// findings.
enum FuzzTarget: String, CaseIterable {
    /// `veil render --tracks`: the tracks file, then masks drawn from its boxes.
    case tracks
    /// `--regions-file`: the regions file, then its masks at a few times.
    case regions
    /// The metadata reader (`MetadataInspector`) and `--keep-metadata`'s EXIF copier.
    case metadata
    /// Still-image decoding (OpenCV's decoders and libheif, through CVeilImage).
    case image
    /// Opening a video and decoding its first frames (FFmpeg, through CVeilAV).
    case video

    /// Set once in `main` before libFuzzer starts; read only by the fuzzing thread.
    nonisolated(unsafe) static var current = FuzzTarget.tracks

    /// Frames decoded per video input: enough to pass the header and the first keyframe.
    static let videoFrames = 3

    /// Makes the state every input shares (the canvas, the reference JPEG, the scratch
    /// directory) before fuzzing starts, so the leak check after the first input does not count
    /// it as that input's.
    static func prepare() {
        _ = canvas
        _ = smallJPEG
        _ = InputFile.directory
    }

    func run(_ data: Data) {
        switch self {
        case .tracks: Self.tracksFile(data)
        case .regions: Self.regionsFile(data)
        case .metadata: Self.metadata(data)
        case .image: _ = try? ImageCodec.decode(data)
        case .video: Self.video(data)
        }
    }

    static func tracksFile(_ data: Data) {
        guard let tracks = try? TracksFile.load(from: InputFile.holding(data, name: "input.tracks.json")) else {
            return
        }
        let plans = tracks.plansByFrame.values.sorted { $0.frameIndex < $1.frameIndex }.prefix(8)
        for plan in plans {
            let detections = plan.boxes.map { box in
                Detection(objectClass: box.objectClass, box: box.box, score: box.score ?? 1, landmarks: box.landmarks)
            }
            mask(MaskPlanner().regions(for: detections, in: canvas.size))
        }
    }

    static func regionsFile(_ data: Data) {
        guard let regions = try? UserRegions.load(from: InputFile.holding(data, name: "input.regions.json")) else {
            return
        }
        for time in [nil, 0, 0.5, 2, 1e9] as [Double?] {
            mask(regions.masks(at: time))
            let probe = Detection(objectClass: .face, box: Box(x: 8, y: 8, width: 16, height: 16), score: 1)
            _ = regions.applyingExclusions(to: [probe], at: time)
        }
    }

    static func metadata(_ data: Data) {
        _ = MetadataInspector.metadataBlocks(in: data)
        let reference = Data(smallJPEG)
        _ = MetadataTransfer.copyingSafeEXIF(from: data, into: reference)
        _ = MetadataTransfer.copyingSafeEXIF(from: reference, into: data)
    }

    static func video(_ data: Data) {
        guard let reader = try? VideoReader(url: InputFile.holding(data, name: "input.video")) else { return }
        for _ in 0..<videoFrames {
            guard (try? reader.nextFrame()) != nil else { return }
        }
    }

    /// The picture masks are drawn on: small, so each input stays fast.
    static let canvas = Image(size: PixelSize(width: 64, height: 48), blue: 90, green: 120, red: 150)

    /// A real encoder's JPEG, as `--keep-metadata` receives it. Kept as an array: LeakSanitizer
    /// does not recognise the pointer inside a `Data` held by a global, and would report it.
    static let smallJPEG: [UInt8] = [UInt8]((try? ImageCodec.encode(canvas, format: .jpg, quality: 80)) ?? Data())

    static func mask(_ regions: [MaskRegion]) {
        for style in [MaskStyle.layered, .fill] {
            var picture = PlanarImage(canvas)
            try? Masker(style: style).apply(regions, to: &picture)
        }
    }
}

/// The scratch file a target writes its input to when the API wants a path: one directory per
/// process (libFuzzer runs inputs one at a time), removed on a normal exit; a crash leaves it
/// (libFuzzer also saves the crashing input itself).
enum InputFile {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "veil-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: InputFile.directory) }
        return url
    }()

    static func holding(_ data: Data, name: String) -> URL {
        let url = directory.appendingPathComponent(name)
        try? data.write(to: url)
        return url
    }
}
