/// A float tensor a decoder reads in place: its shape and a view of its values, row-major.
///
/// The view is lent, never owned: inside ``InferenceSession/run(shape:fill:read:)``'s `read`
/// closure it points into ONNX Runtime's output and dangles as soon as the closure returns.
/// Read it there; copy what must outlive the closure (`Array(view.values)`).
public struct TensorView {
    /// The tensor's dimensions.
    public let shape: [Int]
    /// Its values, row-major; valid only while the lender's closure runs.
    public let values: UnsafeBufferPointer<Float>

    /// A view of `values` with `shape`; the caller keeps `values` alive while the view is used.
    public init(shape: [Int], values: UnsafeBufferPointer<Float>) {
        precondition(values.count == shape.reduce(1, *), "value count does not match the shape")
        self.shape = shape
        self.values = values
    }
}

/// A model's outputs, in the model's order and by name, lent to a closure (see ``TensorView``).
public struct InferenceOutputs {
    /// The output names, in the model's order.
    public let names: [String]
    /// The outputs, in the model's order.
    public let tensors: [TensorView]

    /// Outputs named `names`, in that order.
    public init(names: [String], tensors: [TensorView]) {
        precondition(names.count == tensors.count, "one name per output")
        self.names = names
        self.tensors = tensors
    }

    /// The output named `name`, if the model has one.
    public subscript(name: String) -> TensorView? {
        names.firstIndex(of: name).map { tensors[$0] }
    }

    /// How many outputs there are.
    public var count: Int { tensors.count }

    /// Lends owned tensors, named `names`, as outputs to `body` without copying them: for
    /// decoders fed by something other than a session (tests, outputs copied for later).
    public static func lending<Result, Failure: Error>(
        names: [String],
        tensors: [Tensor],
        to body: (InferenceOutputs) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        precondition(names.count == tensors.count, "one name per output")
        return try lend(tensors[...], views: [], names: names, to: body)
    }

    /// Lends the first of `rest` and recurses: each array's buffer is valid only inside its own
    /// `withUnsafeBufferPointer`, so `body` runs in the innermost one.
    private static func lend<Result, Failure: Error>(
        _ rest: ArraySlice<Tensor>,
        views: [TensorView],
        names: [String],
        to body: (InferenceOutputs) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        guard let first = rest.first else { return try body(InferenceOutputs(names: names, tensors: views)) }
        return try first.values.withUnsafeBufferPointer { (values) throws(Failure) in
            try lend(
                rest.dropFirst(), views: views + [TensorView(shape: first.shape, values: values)], names: names,
                to: body)
        }
    }
}
