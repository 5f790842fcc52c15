import VeilGeometry

/// Turns the four numbers of an annotation's `[x, y, w, h]` into a box, checking them.
enum AnnotationBox {
    /// The number of values in an `[x, y, width, height]` box.
    static let valueCount = 4

    /// A box and whether it must be ignored as degenerate, or a reason it is invalid.
    ///
    /// Boxes with a zero side are kept as ignored (nothing can overlap them); negative sides,
    /// a wrong count or non-finite values are errors.
    static func make(_ values: [Double]) -> Result<(box: Box, isDegenerate: Bool), BoxError> {
        guard values.count == valueCount else {
            return .failure(
                BoxError(reason: "box has \(values.count) numbers, expected \(valueCount) (x, y, width, height)"))
        }
        guard values.allSatisfy(\.isFinite) else {
            return .failure(BoxError(reason: "box \(values) holds a non-finite number"))
        }
        let box = Box(x: values[0], y: values[1], width: values[2], height: values[3])
        guard box.width >= 0, box.height >= 0 else {
            return .failure(BoxError(reason: "box \(values) has a negative width or height"))
        }
        return .success((box, box.isEmpty))
    }

    /// Why a box was rejected.
    struct BoxError: Error {
        var reason: String
    }
}
