public import VeilDetection
public import VeilGeometry
public import VeilMedia

/// How a video's plate passes take the frame in turns (issue 16, ``VideoSettings/plateBands``):
/// each pass reads one of ``Configuration/bands`` strips across the frame's longer side, in
/// turn, plus the neighbourhoods of the live plate tracks and of the plates found in the last
/// rotation, at the scale of the regular whole-frame pass. Every part of the frame still gets a
/// look every `bands` passes (3 × 8 frames at 30 fps, within the 1 s look-ahead that masks a
/// plate back over the frames before it was found), every followed plate one on each.
///
/// Crops are cut from the frame at the regular pass's input size, on the text detector's
/// 32 px grid with sides that are multiples of 32, so the network reads them unresampled, and
/// reach ``Configuration/context`` pixels beyond what they must cover: plates near the
/// threshold are found on the whole frame but lost in crops that cut their surroundings close
/// (48 px lost 7–16 % of the crowd-plates clips' plate-frames, 96 px none; docs/DECISIONS.md).
/// More than ``Configuration/maximumSearchedFraction`` of the frame is read whole.
///
/// ```swift
/// let search = PlateStripSearch()
/// let found = try search.detect(with: regularPlateDetector, in: shrunkFrame, tracks: plateBoxes, pass: 5)
/// ```
public struct PlateStripSearch: Sendable, Hashable {
    /// How the frame is cut.
    public struct Configuration: Sendable, Hashable {
        /// Strips the frame is taken in; 1: every pass reads the whole frame.
        public var bands = 3
        /// Pixels (at the regular pass's input) each track's neighbourhood reaches beyond the
        /// track on every side.
        public var context: Double = 96
        /// Pixels (at the regular pass's input) each strip reaches beyond its share on either
        /// side: a plate on the border between two strips lies wholly inside one of them with
        /// context on its other three sides.
        public var stripOverlap: Double = 64
        /// A track's neighbourhood also grows by this many times its shorter side (a plate
        /// moving a box per pass stays inside).
        public var trackMarginSides: Double = 1
        /// Above this share of the frame the whole frame is read.
        public var maximumSearchedFraction: Double = 0.8
        /// Whether the first pass reads the frame in two overlapping halves rather than in one
        /// inference: ONNX Runtime's arena, shared by every detector and never shrunk, keeps what
        /// the largest inference touched, and the text detector's activations on a whole 960 px
        /// frame were the largest of any pass (docs/DECISIONS.md, "Memory: the whole frame read
        /// in pieces"). Passes whose regions exceed ``maximumSearchedFraction`` (a crowd of
        /// plates) still read the frame whole: in halves, a small plate of the crowd-plates pan
        /// clip was lost for 20 frames (0.956 of its plate-frames instead of 1.000).
        public var readsFirstPassInHalves = true
        /// Pixels (at the regular pass's input) the two halves share: a plate up to
        /// `wholeFrameOverlap − 2 ×` ``context`` (96 px) wide lies inside one half with
        /// ``context`` on both sides. The strips' 64 px cut plates of the crowd-plates pan clip
        /// close (0.945 of its plate-frames instead of 1.000, all passes that read whole in
        /// strips).
        public var wholeFrameOverlap: Double = 288

        /// The defaults measured on the crowd-plates and bench clips (docs/DECISIONS.md).
        public init() {}
    }

    /// How the frame is cut.
    public var configuration: Configuration

    /// A strip search.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The grid crops are aligned to (the text detector downsamples 32 ×).
    static let grid = 32.0

    /// Plates `detector` (the regular plate pass, which reads images at its
    /// ``VeilDetection/ObjectDetector/workingSide``) finds in `image` on plate pass number
    /// `pass` (0: the first, read whole in two halves), around `tracks` (boxes in `image`'s pixels) and in
    /// the pass's strip. Boxes are in `image`'s pixels.
    ///
    /// - Returns: the detections and the share of the image read (1: whole).
    /// - Throws: the detector's errors; a frame that cannot be resized.
    public func detect(with detector: any ObjectDetector, in image: Image, tracks: [Box], pass: Int)
        throws(DetectionError) -> (detections: [Detection], searchedFraction: Double)
    {
        guard configuration.bands > 1, let working = detector.workingSide else {
            return (try detector.detect(in: image), 1)
        }
        // The regular pass's own input (sides multiples of 32): crops on its grid are read as
        // the whole-frame pass reads the frame.
        let inputSize = PlateDetector.inputSize(for: image.size, maximumSide: working)
        let scaleX = Double(image.width) / Double(inputSize.width)
        let scaleY = Double(image.height) / Double(inputSize.height)
        let seeds = tracks.map { $0.scaled(x: 1 / scaleX, y: 1 / scaleY) }
        let regions = pass > 0 ? regions(pass: pass, tracks: seeds, in: inputSize) : nil
        if regions == nil, pass > 0 || !configuration.readsFirstPassInHalves {
            return (try detector.detect(in: image), 1)
        }
        let detail: Image
        do {
            detail = try image.resized(to: inputSize)
        } catch {
            throw .inferenceFailed(model: detector.name, reason: "cannot resize the frame: \(error)")
        }
        // The first pass reads the frame in two overlapping halves: no one inference holds the
        // network's activations for the whole input.
        let pieces = regions ?? halves(of: inputSize)
        var found: [[Detection]] = []
        for region in pieces {
            found.append(
                try detector.detect(in: detail.cropped(to: region)).map {
                    $0.mapped(scaleX: scaleX, scaleY: scaleY, dx: region.minX * scaleX, dy: region.minY * scaleY)
                })
        }
        guard regions != nil else { return (found.mergingAcrossPieces(), 1) }
        let area = pieces.reduce(0) { $0 + $1.area }
        return (found.flatMap { $0 }, area / Double(inputSize.width * inputSize.height))
    }

    /// The two halves a whole-frame read takes an input of `size` in: across its longer side,
    /// sharing at least ``Configuration/wholeFrameOverlap`` pixels, on the grid.
    func halves(of size: PixelSize) -> [Box] {
        let alongWidth = size.width >= size.height
        let length = Double(alongWidth ? size.width : size.height)
        let side = min(length, ((length + configuration.wholeFrameOverlap) / 2 / Self.grid).rounded(.up) * Self.grid)
        guard side < length else { return [size.bounds] }
        let second = ((length - side) / Self.grid).rounded(.down) * Self.grid
        return [(0, side), (second, length)].map { start, end in
            alongWidth
                ? Box(minX: start, minY: 0, maxX: end, maxY: Double(size.height))
                : Box(minX: 0, minY: start, maxX: Double(size.width), maxY: end)
        }
    }

    /// The regions pass `pass` reads in an input of `size`: its strip and the neighbourhoods of
    /// `tracks` (boxes at that size), aligned to the grid and merged; nil when they cover more
    /// than ``Configuration/maximumSearchedFraction`` of it.
    func regions(pass: Int, tracks: [Box], in size: PixelSize) -> [Box]? {
        let bounds = size.bounds
        var boxes = [strip(pass % configuration.bands, of: configuration.bands, in: size)]
        for track in tracks {
            let margin = configuration.context + track.shortSide * configuration.trackMarginSides
            boxes.append(
                Box(
                    minX: track.minX - margin, minY: track.minY - margin, maxX: track.maxX + margin,
                    maxY: track.maxY + margin))
        }
        // Overlapping regions are joined (a union of grid boxes stays on the grid).
        let merging = boxes.map { Self.aligned($0.clamped(to: bounds), in: size) }.filter { !$0.isEmpty }
            .mergingOverlaps()
        let area = merging.reduce(0) { $0 + $1.area }
        guard area <= configuration.maximumSearchedFraction * Double(size.width * size.height) else { return nil }
        return merging
    }

    /// Strip `index` of `count` across the longer side of an input of `size`, reaching
    /// ``Configuration/stripOverlap`` beyond its share on each side.
    func strip(_ index: Int, of count: Int, in size: PixelSize) -> Box {
        let alongWidth = size.width >= size.height
        let length = Double(alongWidth ? size.width : size.height)
        let start = Double(index) * length / Double(count) - configuration.stripOverlap
        let end = Double(index + 1) * length / Double(count) + configuration.stripOverlap
        return alongWidth
            ? Box(minX: start, minY: 0, maxX: end, maxY: Double(size.height))
            : Box(minX: 0, minY: start, maxX: Double(size.width), maxY: end)
    }

    /// `box` grown outwards to the ``grid``, within an input of `size` (sides multiples of 32).
    static func aligned(_ box: Box, in size: PixelSize) -> Box {
        Box(
            minX: max(0, (box.minX / grid).rounded(.down) * grid),
            minY: max(0, (box.minY / grid).rounded(.down) * grid),
            maxX: min(Double(size.width), (box.maxX / grid).rounded(.up) * grid),
            maxY: min(Double(size.height), (box.maxY / grid).rounded(.up) * grid))
    }
}
