extension PlateDetector {
    /// The PP-OCRv4 text detector that `make setup` installs.
    public static let modelName = "ppocrv4_det.onnx"

    /// Loads the installed text detector and fingerprints it for reports.
    public init(
        store: ModelStore,
        configuration: Configuration = Configuration(),
        options: InferenceOptions = InferenceOptions()
    ) throws(DetectionError) {
        let url = try store.url(for: Self.modelName)
        try self.init(
            modelURL: url,
            sha256: ModelStore.fingerprint(of: url).sha256,
            configuration: configuration,
            options: options
        )
    }
}
