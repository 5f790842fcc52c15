internal import VeilGeometry
public import VeilMedia

/// A contact sheet of the audited faces as they look **after** anonymization: one tile per face,
/// in a grid, so a reviewer sees at a glance what a mask leaves. Tiles are cut from the
/// anonymized media only, never from the original. The frame around each tile gives the
/// verdict: red re-identified, green not matched, grey too small to judge.
///
/// What a reviewer sees is exactly what the anonymized media shows anyone: where a mask is weak
/// (a light blur), the sheet shows that weak mask's face. Handle a sheet like the anonymized
/// media it was cut from.
///
/// ```swift
/// var sheet = AuditSheet()
/// sheet.add(anonymized: masked, faces: audit.faces)
/// try ImageCodec.write(sheet.render(), to: URL(fileURLWithPath: "sheet.png"), quality: 90)
/// ```
/// - Complexity: O(tiles × ``tileSide``²).
public struct AuditSheet: Sendable {
    /// A tile's side, pixels (the border included).
    public var tileSide: Int
    /// Tiles per row.
    public var columns: Int
    /// Context kept around each face box, as a fraction of its side (the mask's margin shows).
    public var contextFraction: Double
    /// The most tiles a sheet holds; faces beyond are counted in ``omittedCount``.
    public var maximumTiles: Int
    /// The tiles so far.
    public private(set) var tiles: [Image] = []
    /// Faces left out because the sheet was full.
    public private(set) var omittedCount = 0

    /// The border's width, pixels.
    static let border = 3

    /// An empty sheet.
    public init(tileSide: Int = 112, columns: Int = 8, contextFraction: Double = 0.25, maximumTiles: Int = 400) {
        self.tileSide = max(16, tileSide)
        self.columns = max(1, columns)
        self.contextFraction = max(0, contextFraction)
        self.maximumTiles = max(1, maximumTiles)
    }

    /// Adds a tile per face, cut from the anonymized image at the face's box (plus context).
    ///
    /// - Throws: ``AuditError/attackFailed(attack:reason:)`` when a crop cannot be resized.
    public mutating func add(anonymized: Image, faces: [FaceAudit]) throws(AuditError) {
        for face in faces {
            guard tiles.count < maximumTiles else {
                omittedCount += 1
                continue
            }
            let region = face.box.expanded(byFraction: contextFraction).clamped(to: anonymized.size.bounds)
            guard !region.isEmpty else { continue }
            let crop = anonymized.cropped(to: region)
            let inner = tileSide - 2 * Self.border
            let scale = Double(inner) / Double(max(crop.width, crop.height))
            let size = PixelSize(
                width: max(1, Int((Double(crop.width) * scale).rounded())),
                height: max(1, Int((Double(crop.height) * scale).rounded())))
            let scaled: Image
            do {
                scaled = try crop.resized(to: size, interpolation: scale < 1 ? .area : .nearest)
            } catch {
                throw .attackFailed(attack: "audit sheet", reason: "resizing a tile: \(error)")
            }
            let colour: (blue: UInt8, green: UInt8, red: UInt8) =
                face.isTooSmallToJudge ? (150, 150, 150) : (face.isReidentified ? (40, 40, 220) : (60, 170, 60))
            var tile = Image(
                size: PixelSize(width: tileSide, height: tileSide), blue: colour.blue, green: colour.green,
                red: colour.red)
            tile.paste(
                Image(size: PixelSize(width: inner, height: inner), blue: 255, green: 255, red: 255), x: Self.border,
                y: Self.border)
            tile.paste(
                scaled, x: Self.border + (inner - scaled.width) / 2, y: Self.border + (inner - scaled.height) / 2)
            tiles.append(tile)
        }
    }

    /// The grid of tiles on a white background (one white tile when there are none).
    public func render() -> Image {
        let rows = max(1, (tiles.count + columns - 1) / columns)
        let width = min(max(1, tiles.count), columns) * tileSide
        var sheet = Image(size: PixelSize(width: width, height: rows * tileSide), blue: 255, green: 255, red: 255)
        for (index, tile) in tiles.enumerated() {
            sheet.paste(tile, x: index % columns * tileSide, y: index / columns * tileSide)
        }
        return sheet
    }
}

extension Image {
    /// Copies `patch` in with its top-left corner at (x, y), clipped to the image.
    fileprivate mutating func paste(_ patch: Image, x: Int, y: Int) {
        let columns = max(0, min(patch.width, width - x))
        guard columns > 0, x >= 0 else { return }
        for row in 0..<patch.height where (0..<height).contains(y + row) {
            let source = patch.offset(x: 0, y: row)
            let target = offset(x: x, y: y + row)
            pixels.replaceSubrange(target..<target + columns * 3, with: patch.pixels[source..<source + columns * 3])
        }
    }
}
