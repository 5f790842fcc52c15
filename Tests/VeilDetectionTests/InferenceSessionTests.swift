import Foundation
import Testing
import VeilGeometry
import VeilMedia

@testable import VeilDetection

/// ``InferenceSession`` lends a model's outputs in place: what `read` sees is the run's own
/// output, alive until `read` returns (CenterFace from the model store, on the astronaut photo).
@Suite struct InferenceSessionTests {
    static func session() throws -> InferenceSession {
        try InferenceSession(modelURL: try ModelStore().url(for: CenterFaceDetector.modelName))
    }

    /// The astronaut photo as CenterFace's input (RGB, 512 × 512) and its shape.
    static func photoInput() throws -> (values: [Float], shape: [Int]) {
        let image = try FaceDetectorTests.image()
        let canvas = PixelSize(width: 512, height: 512)
        var values = [Float](repeating: 0, count: 3 * canvas.width * canvas.height)
        values.withUnsafeMutableBufferPointer { image.writePlanarTensor(order: .rgb, canvas: canvas, into: $0) }
        return (values, [1, 3, canvas.height, canvas.width])
    }

    /// A run inside another run's `read`, on the same session, with another input and shape,
    /// leaves the outer run's lent outputs untouched: each run's outputs are its own and live
    /// until its own `read` returns (ONNX Runtime reusing or freeing them early would show here,
    /// and under AddressSanitizer as a use after free).
    @Test func lentOutputsOutliveANestedRun() throws {
        let session = try Self.session()
        let photo = try Self.photoInput()
        let blank = [Float](repeating: 0, count: 3 * 256 * 320)
        let (before, inner, after) = try session.run(input: photo.values, shape: photo.shape) {
            (outer) throws(DetectionError) in
            let before = outer.tensors.map { Tensor(copying: $0) }
            let inner = try session.run(input: blank, shape: [1, 3, 256, 320]) { nested in
                nested.tensors.map { Tensor(copying: $0) }
            }
            return (before, inner, outer.tensors.map { Tensor(copying: $0) })
        }
        #expect(before.count == 4 && inner.count == 4)
        #expect(before.map(\.shape) == after.map(\.shape))
        #expect(before.map(\.values) == after.map(\.values), "the outer outputs changed during the nested run")
        #expect(before[0].shape == [1, 1, 128, 128] && inner[0].shape == [1, 1, 64, 80])
        #expect((before[0].values.max() ?? 0) > 0.5, "the astronaut's face is in the heatmap")
        #expect((inner[0].values.max() ?? 1) < 0.2, "a blank picture has no face")
    }

    /// Decoding in place finds what decoding a copy of the same outputs finds, and a second run
    /// on the same input lends the same values (the outputs are the run's, not a stale buffer).
    @Test func inPlaceDecodingMatchesACopy() throws {
        let session = try Self.session()
        let photo = try Self.photoInput()
        let valid = PixelSize(width: 512, height: 512)
        let (inPlace, copies) = try session.run(input: photo.values, shape: photo.shape) {
            (outputs) throws(DetectionError) in
            (
                try CenterFaceDetector.decode(outputs: outputs, valid: valid, scoreFloor: 0.2),
                outputs.tensors.map { Tensor(copying: $0) }
            )
        }
        let fromCopies = try InferenceOutputs.lending(names: session.outputNames, tensors: copies) {
            (outputs) throws(DetectionError) in
            try CenterFaceDetector.decode(outputs: outputs, valid: valid, scoreFloor: 0.2)
        }
        #expect(!inPlace.isEmpty)
        #expect(inPlace == fromCopies)
        let again = try session.run(input: photo.values, shape: photo.shape) { outputs in
            outputs.tensors.map { Tensor(copying: $0) }
        }
        #expect(again.map(\.values) == copies.map(\.values))
    }
}
