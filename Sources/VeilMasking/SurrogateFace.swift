import Foundation
import VeilGeometry
import VeilMedia

/// Draws a synthetic, non-identifying face on five landmarks: a neutral head with eyes, brows,
/// nose and mouth placed, sized and rotated from the landmarks, so head position, size, roll
/// and rough gaze stay usable for analytics. Nothing of the original's pixels is used; the
/// palette is fixed. It is a drawing, not a photorealistic face.
struct SurrogateFace {
    /// Landmarks in canvas coordinates: right eye, left eye, nose, right and left mouth corner.
    let landmarks: [Point]

    /// Fixed BGR palette (not taken from the person).
    enum Palette {
        static let skin: [Double] = [150, 172, 212]
        static let skinShade: [Double] = [118, 140, 182]
        static let hair: [Double] = [38, 44, 56]
        static let sclera: [Double] = [236, 236, 236]
        static let iris: [Double] = [52, 44, 36]
        static let brow: [Double] = [46, 52, 64]
        static let mouth: [Double] = [80, 82, 160]
    }

    func draw(on canvas: inout Image) {
        guard landmarks.count == 5 else { return }
        let (rightEye, leftEye, nose, rightMouth, leftMouth) =
            (landmarks[0], landmarks[1], landmarks[2], landmarks[3], landmarks[4])
        let eyeDistance = max(2, hypot(leftEye.x - rightEye.x, leftEye.y - rightEye.y))
        let roll = atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x)
        let eyesMid = Point(x: (rightEye.x + leftEye.x) / 2, y: (rightEye.y + leftEye.y) / 2)
        let mouthMid = Point(x: (rightMouth.x + leftMouth.x) / 2, y: (rightMouth.y + leftMouth.y) / 2)
        // "Down" in the face's own frame.
        let down = Point(x: -sin(roll), y: cos(roll))
        func along(_ origin: Point, _ distance: Double) -> Point {
            Point(x: origin.x + down.x * distance, y: origin.y + down.y * distance)
        }
        let faceCenter = along(Point(x: (eyesMid.x + mouthMid.x) / 2, y: (eyesMid.y + mouthMid.y) / 2), 0)
        let d = eyeDistance
        // Gaze: where the nose sits between the eyes says roughly where the head turns.
        let turn = min(max((nose.x - eyesMid.x) / d, -0.5), 0.5)

        fillEllipse(
            &canvas, center: along(faceCenter, -0.45 * d), radii: (1.25 * d, 1.45 * d), angle: roll, color: Palette.hair
        )
        fillEllipse(&canvas, center: faceCenter, radii: (1.05 * d, 1.35 * d), angle: roll, color: Palette.skinShade)
        fillEllipse(
            &canvas, center: along(faceCenter, -0.05 * d), radii: (0.92 * d, 1.22 * d), angle: roll, color: Palette.skin
        )
        for eye in [rightEye, leftEye] {
            let brow = along(eye, -0.28 * d)
            let half = Point(x: cos(roll) * 0.2 * d, y: sin(roll) * 0.2 * d)
            drawLine(
                &canvas, Point(x: brow.x - half.x, y: brow.y - half.y), Point(x: brow.x + half.x, y: brow.y + half.y),
                thickness: 0.08 * d, color: Palette.brow)
            fillEllipse(&canvas, center: eye, radii: (0.2 * d, 0.1 * d), angle: roll, color: Palette.sclera)
            let iris = Point(x: eye.x + turn * 0.12 * d * cos(roll), y: eye.y + turn * 0.12 * d * sin(roll))
            fillEllipse(&canvas, center: iris, radii: (0.09 * d, 0.09 * d), angle: 0, color: Palette.iris)
        }
        fillEllipse(
            &canvas, center: along(nose, -0.12 * d), radii: (0.1 * d, 0.28 * d), angle: roll, color: Palette.skinShade)
        for side in [-1.0, 1.0] {
            let nostril = Point(x: nose.x + side * 0.1 * d * cos(roll), y: nose.y + side * 0.1 * d * sin(roll))
            fillEllipse(
                &canvas, center: along(nostril, 0.06 * d), radii: (0.05 * d, 0.035 * d), angle: roll,
                color: Palette.iris)
        }
        drawLine(&canvas, rightMouth, leftMouth, thickness: 0.1 * d, color: Palette.mouth)
    }

    /// Paints a rotated filled ellipse.
    private func fillEllipse(
        _ canvas: inout Image, center: Point, radii: (Double, Double), angle: Double, color: [Double]
    ) {
        let reach = max(radii.0, radii.1)
        let (cosA, sinA) = (cos(angle), sin(angle))
        paint(&canvas, around: center, reach: reach, color: color) { dx, dy in
            let u = (dx * cosA + dy * sinA) / radii.0
            let v = (-dx * sinA + dy * cosA) / radii.1
            return u * u + v * v <= 1
        }
    }

    /// Paints a thick segment with round ends.
    private func drawLine(_ canvas: inout Image, _ a: Point, _ b: Point, thickness: Double, color: [Double]) {
        let center = Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
        let half = max(0.5, thickness / 2)
        let (vx, vy) = (b.x - a.x, b.y - a.y)
        let length = max(vx * vx + vy * vy, 1e-9)
        paint(&canvas, around: center, reach: hypot(vx, vy) / 2 + half, color: color) { dx, dy in
            let (px, py) = (center.x + dx - a.x, center.y + dy - a.y)
            let t = min(max((px * vx + py * vy) / length, 0), 1)
            return hypot(px - t * vx, py - t * vy) <= half
        }
    }

    private func paint(
        _ canvas: inout Image, around center: Point, reach: Double, color: [Double], inside: (Double, Double) -> Bool
    ) {
        let x0 = max(0, Int((center.x - reach).rounded(.down)))
        let x1 = min(canvas.width - 1, Int((center.x + reach).rounded(.up)))
        let y0 = max(0, Int((center.y - reach).rounded(.down)))
        let y1 = min(canvas.height - 1, Int((center.y + reach).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let width = canvas.width
        canvas.pixels.withUnsafeMutableBufferPointer { pixels in
            for y in y0...y1 {
                for x in x0...x1 where inside(Double(x) + 0.5 - center.x, Double(y) + 0.5 - center.y) {
                    let index = (y * width + x) * 3
                    for channel in 0..<3 { pixels[index + channel] = UInt8(color[channel]) }
                }
            }
        }
    }
}
