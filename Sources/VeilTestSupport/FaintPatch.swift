public import VeilGeometry
public import VeilMedia

/// Generated test images shared by the test targets.
public enum TestImages {
    /// A 96×96 grey image (luma 116–124, a fine fixed texture) with a 32×16 patch 10 levels
    /// lighter at (32, 40): faint detail for the local contrast equalization tests.
    public static func faintPatch() -> Image {
        var pixels = [UInt8](repeating: 0, count: 96 * 96 * 3)
        for y in 0..<96 {
            for x in 0..<96 {
                let patch: UInt8 = (32..<64).contains(x) && (40..<56).contains(y) ? 10 : 0
                for channel in 0..<3 { pixels[(y * 96 + x) * 3 + channel] = 116 + UInt8((x * 7 + y * 13) % 9) + patch }
            }
        }
        return Image(size: PixelSize(width: 96, height: 96), pixels: pixels)
    }
}
