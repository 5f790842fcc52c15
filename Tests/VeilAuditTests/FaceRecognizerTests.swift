import Foundation
import Testing
import VeilAudit
import VeilDetection
import VeilGeometry
import VeilMedia

@Suite("FaceRecognizer (dlib descriptor)")
struct FaceRecognizerTests {
    /// dlib's same-person threshold.
    let threshold = 0.6

    func descriptor(_ name: String, _ recognizer: FaceRecognizer) throws -> FaceDescriptor {
        let image = try Fixtures.image(name)
        let face = Fixtures.face(name)
        return try recognizer.descriptor(in: image, face: face, landmarks: recognizer.landmarks(in: image, face: face))
    }

    @Test func sameImageHasDistanceZero() throws {
        let recognizer = try Fixtures.recognizer()
        let first = try descriptor(Fixtures.obamaPortrait, recognizer)
        let second = try descriptor(Fixtures.obamaPortrait, recognizer)
        #expect(first.distance(to: second) < 1e-6)
    }

    @Test(arguments: [Fixtures.obamaPortrait, Fixtures.obamaCongress, Fixtures.obamaBlueRoom])
    func differentPeopleAreFartherThanThreshold(obama: String) throws {
        let recognizer = try Fixtures.recognizer()
        let distance = try descriptor(obama, recognizer).distance(to: descriptor(Fixtures.biden, recognizer))
        #expect(distance > threshold, "Obama (\(obama)) vs Biden: \(distance)")
    }

    @Test(arguments: [
        (Fixtures.obamaPortrait, Fixtures.obamaCongress), (Fixtures.obamaPortrait, Fixtures.obamaBlueRoom),
        (Fixtures.obamaCongress, Fixtures.obamaBlueRoom),
    ])
    func samePersonInDifferentPhotosIsCloserThanThreshold(first: String, second: String) throws {
        let recognizer = try Fixtures.recognizer()
        let distance = try descriptor(first, recognizer).distance(to: descriptor(second, recognizer))
        #expect(distance < threshold, "\(first) vs \(second): \(distance)")
    }

    @Test func landmarksLieInsideTheFace() throws {
        let recognizer = try Fixtures.recognizer()
        let image = try Fixtures.image(Fixtures.obamaPortrait)
        let face = Fixtures.face(Fixtures.obamaPortrait)
        let landmarks = try recognizer.landmarks(in: image, face: face)
        #expect(landmarks.points.count == 5)
        for point in landmarks.points {
            #expect(face.expanded(byFraction: 0.1).coverage(of: Box(x: point.x, y: point.y, width: 1, height: 1)) > 0)
        }
    }

    @Test func missingModelsNameWhatWasSearched() {
        let directory = URL(fileURLWithPath: "/nonexistent/veil-models")
        #expect(throws: AuditError.self) { try FaceRecognizer(models: FaceRecognitionModels(directory: directory)) }
        do {
            _ = try FaceRecognizer(models: FaceRecognitionModels(directory: directory))
        } catch {
            #expect(error.description.contains("/nonexistent/veil-models"))
            #expect(error.description.contains("setup"))
        }
    }

    @Test func locateSearchesTheStoresDirectories() throws {
        let store = ModelStore(directories: [URL(fileURLWithPath: "/nonexistent")] + ModelStore.defaultDirectories)
        let models = try FaceRecognitionModels.locate(in: store)
        #expect(models.network.lastPathComponent == FaceRecognitionModels.networkName)
        #expect(throws: AuditError.self) {
            try FaceRecognitionModels.locate(in: ModelStore(directories: [URL(fileURLWithPath: "/nonexistent")]))
        }
    }
}
