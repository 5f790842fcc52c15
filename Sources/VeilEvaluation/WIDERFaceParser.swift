import Foundation
import VeilGeometry

/// Reads WIDER FACE ground truth (`wider_face_train_bbx_gt.txt`, `wider_face_val_bbx_gt.txt`).
///
/// ```text
/// 0--Parade/0_Parade_marchingband_1_465.jpg
/// 2
/// 345 211 4 4 2 0 0 0 2 0
/// 331 126 3 3 0 0 0 1 0 0
/// 0--Parade/0_Parade_Parade_0_904.jpg
/// 0
/// 0 0 0 0 0 0 0 0 0 0
/// ```
///
/// Each face line is `x y w h blur expression illumination invalid occlusion pose`; faces with
/// `invalid` = 1 are kept as ignored (``IgnoreReason/invalid``). An image with zero faces is
/// followed by one line of zeros, which is skipped. The official easy/medium/hard subsets
/// (`.mat` files) are not read: use the minimum object size for a comparable split.
struct WIDERFaceParser {
    var file: URL

    /// The numbers on each face line.
    static let fieldCount = 10
    /// What a face line must hold, for error messages.
    static let expectedFields = "\(fieldCount) numbers (x y w h blur expression illumination invalid occlusion pose)"
    /// The position of the `invalid` flag on a face line.
    static let invalidFieldIndex = 7

    func parse(_ data: Data) throws(EvaluationError) -> EvaluationDataset {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: file.path, reason: "not UTF-8 text")
        }
        // Splitting on isNewline also splits "\r\n", which Swift holds as one Character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        var cursor = 0
        var seen = Set<String>()
        var images: [AnnotatedImage] = []

        while true {
            while cursor < lines.count, lines[cursor].isEmpty { cursor += 1 }
            guard cursor < lines.count else { break }
            let name = lines[cursor]
            let nameLine = cursor + 1
            guard Self.numbers(in: name) == nil else {
                throw .malformedEntry(
                    path: file.path, entry: "line \(nameLine)",
                    reason: "expected an image file name, found '\(name)' (is a face count wrong above?)"
                )
            }
            cursor += 1
            guard cursor < lines.count, let count = Int(lines[cursor]), count >= 0 else {
                throw .malformedEntry(
                    path: file.path, entry: "line \(cursor + 1) (image '\(name)')",
                    reason: "expected the number of faces, found \(Self.describe(lineAt: cursor, in: lines))"
                )
            }
            cursor += 1
            guard seen.insert(name).inserted else { throw .duplicateImage(path: file.path, image: name) }

            var objects: [GroundTruthObject] = []
            if count == 0 {
                // The format writes one line of zeros after a zero count; skip it when present.
                if cursor < lines.count, let zeros = Self.numbers(in: lines[cursor]), zeros.allSatisfy({ $0 == 0 }) {
                    cursor += 1
                }
            }
            for faceIndex in 0..<count {
                let label = "line \(cursor + 1) (image '\(name)', face \(faceIndex + 1) of \(count))"
                guard cursor < lines.count, let values = Self.numbers(in: lines[cursor]) else {
                    throw .malformedEntry(
                        path: file.path, entry: label,
                        reason: "expected \(Self.expectedFields), found \(Self.describe(lineAt: cursor, in: lines))"
                    )
                }
                guard values.count >= Self.fieldCount else {
                    throw .malformedEntry(
                        path: file.path, entry: label,
                        reason: "expected \(Self.expectedFields), found \(values.count)"
                    )
                }
                switch AnnotationBox.make(Array(values.prefix(AnnotationBox.valueCount))) {
                case .failure(let error):
                    throw .malformedEntry(path: file.path, entry: label, reason: error.reason)
                case .success(let (box, isDegenerate)):
                    let reason: IgnoreReason? =
                        values[Self.invalidFieldIndex] != 0 ? .invalid : isDegenerate ? .degenerate : nil
                    objects.append(GroundTruthObject(objectClass: .face, box: box, ignoreReason: reason))
                }
                cursor += 1
            }
            images.append(AnnotatedImage(image: name, objects: objects))
        }
        return EvaluationDataset(images: images, format: .widerFace, imageDirectory: imageDirectory())
    }

    /// A line quoted for an error message.
    private static func describe(lineAt index: Int, in lines: [String]) -> String {
        guard index < lines.count else { return "the end of the file" }
        return lines[index].isEmpty ? "an empty line" : "'\(lines[index])'"
    }

    /// The numbers on a line, or nil when anything on it is not a number.
    private static func numbers(in line: String) -> [Double]? {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard !fields.isEmpty else { return nil }
        let values = fields.compactMap { Double($0) }
        return values.count == fields.count ? values : nil
    }

    /// `WIDER_<split>/images` next to the file or next to its folder, when it exists; the
    /// file's folder otherwise.
    private func imageDirectory() -> URL {
        let directory = file.deletingLastPathComponent()
        let parent = directory.deletingLastPathComponent()
        let split = ["train", "val", "test"].first { file.lastPathComponent.contains("_\($0)_") }
        var candidates: [URL] = []
        if let split {
            candidates += [directory, parent].map { $0.appending(path: "WIDER_\(split)").appending(path: "images") }
        }
        candidates.append(directory.appending(path: "images"))
        return EvaluationDataset.existingDirectory(among: candidates, fallback: directory)
    }
}
