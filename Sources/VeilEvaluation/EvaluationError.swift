/// Everything that can go wrong while loading a dataset or scoring predictions against it.
///
/// Each message names the file and, where there is one, the entry, so a user can open the file
/// and fix it. The library never prints: the CLI shows `description` and picks the exit code.
public enum EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file or directory could not be read at all.
    case unreadable(path: String, reason: String)
    /// A directory holds nothing that looks like annotations.
    case noAnnotationsFound(directory: String)
    /// A directory holds several annotation files and it is not clear which one is meant.
    case ambiguousAnnotations(directory: String, candidates: [String])
    /// The file is readable but is none of the supported formats.
    case unrecognizedFormat(path: String, reason: String)
    /// The file is in a known format but one entry in it is wrong.
    case malformedEntry(path: String, entry: String, reason: String)
    /// Two entries of one dataset describe the same image.
    case duplicateImage(path: String, image: String)
    /// A prediction names an image that the dataset does not contain.
    case predictionForUnknownImage(image: String)
    /// Two predictions were given for the same image.
    case duplicatePrediction(image: String)
    /// The evaluation settings contradict themselves or are out of range.
    case invalidConfiguration(reason: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason))"
        case .noAnnotationsFound(let directory):
            return "\(directory): no annotations found; expected annotations.json (Veil or COCO), "
                + "one COCO *.json file, a WIDER FACE *_bbx_gt.txt file, or CCPD-named images"
        case .ambiguousAnnotations(let directory, let candidates):
            return "\(directory): several annotation files found (\(candidates.joined(separator: ", "))); "
                + "pass the path of the one to use"
        case .unrecognizedFormat(let path, let reason):
            return "\(path): not a Veil, COCO or WIDER FACE annotation file (\(reason))"
        case .malformedEntry(let path, let entry, let reason):
            return "\(path): \(entry): \(reason)"
        case .duplicateImage(let path, let image):
            return "\(path): image '\(image)' is annotated more than once"
        case .predictionForUnknownImage(let image):
            return "prediction for image '\(image)', which is not in the dataset"
        case .duplicatePrediction(let image):
            return "more than one prediction for image '\(image)'"
        case .invalidConfiguration(let reason):
            return "invalid evaluation settings: \(reason)"
        }
    }
}
