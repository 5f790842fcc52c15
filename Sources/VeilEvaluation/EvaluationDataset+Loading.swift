public import Foundation

extension EvaluationDataset {
    /// The file name Veil's datasets use for their annotations.
    static let veilAnnotationFileName = "annotations.json"

    /// Loads a dataset from a directory or from an annotation file, recognising the format.
    ///
    /// A directory is searched in this order: `annotations.json`; a single `*.json` file at its
    /// top level or in `annotations/`; a single `*_bbx_gt.txt` file at its top level or in
    /// `wider_face_split/`. A `.txt` file is read as WIDER FACE; a JSON file whose top level is
    /// an array as Veil's format and one whose top level is an object as COCO. A directory with
    /// none of these whose images are named as CCPD's are (see ``DatasetFormat/ccpd``) is read
    /// as CCPD, images in subfolders included.
    ///
    /// Image paths stay relative; ``imageDirectory`` says what they are relative to: the
    /// directory of a Veil file; `images/` next to a COCO file (or next to its `annotations/`
    /// folder) when there is one; `WIDER_<split>/images` for WIDER FACE when there is one.
    ///
    /// ```swift
    /// let faces = try EvaluationDataset.load(from: URL(filePath: "WIDER/wider_face_split/wider_face_val_bbx_gt.txt"))
    /// ```
    ///
    /// - Throws: ``EvaluationError`` naming the file and the entry that could not be read.
    public static func load(
        from url: URL,
        options: DatasetLoadOptions = DatasetLoadOptions()
    ) throws(EvaluationError) -> EvaluationDataset {
        if options.format == .ccpd {
            return try CCPDFileNameParser(directory: url).parse()
        }
        let file: URL
        do {
            file = try annotationFile(at: url)
        } catch .noAnnotationsFound(let directory) where options.format == nil {
            guard CCPDFileNameParser.looksLikeCCPD(directory: url) else {
                throw .noAnnotationsFound(directory: directory)
            }
            return try CCPDFileNameParser(directory: url).parse()
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw .unreadable(path: file.path, reason: error.localizedDescription)
        }
        let format: DatasetFormat
        if let chosen = options.format {
            format = chosen
        } else {
            format = try recognizedFormat(of: data, file: file)
        }
        switch format {
        case .veil:
            return try VeilAnnotationParser(file: file).parse(data)
        case .coco:
            return try COCOAnnotationParser(file: file, categories: options.cocoCategories).parse(data)
        case .widerFace:
            return try WIDERFaceParser(file: file).parse(data)
        case .ccpd:
            return try CCPDFileNameParser(directory: url).parse()
        }
    }

    /// The annotation file a path names: the path itself, or the one found in a directory.
    static func annotationFile(at url: URL) throws(EvaluationError) -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadable(path: url.path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return url }

        let veilFile = url.appending(path: veilAnnotationFileName)
        if FileManager.default.fileExists(atPath: veilFile.path) { return veilFile }

        let jsonFiles = files(in: url, suffix: ".json") + files(in: url.appending(path: "annotations"), suffix: ".json")
        if let file = try single(of: jsonFiles, in: url) { return file }

        let widerSuffix = "_bbx_gt.txt"
        let widerFiles =
            files(in: url, suffix: widerSuffix)
            + files(in: url.appending(path: "wider_face_split"), suffix: widerSuffix)
        if let file = try single(of: widerFiles, in: url) { return file }

        throw .noAnnotationsFound(directory: url.path)
    }

    /// The only candidate, nil when there is none, or an error listing several.
    private static func single(of candidates: [URL], in directory: URL) throws(EvaluationError) -> URL? {
        guard candidates.count <= 1 else {
            throw .ambiguousAnnotations(directory: directory.path, candidates: candidates.map(\.lastPathComponent))
        }
        return candidates.first
    }

    /// The regular files directly inside a directory whose names end with `suffix`, sorted;
    /// empty when the directory does not exist.
    private static func files(in directory: URL, suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted().map {
            directory.appending(path: $0)
        }
    }

    /// The format of an annotation file, from its extension and its first character.
    static func recognizedFormat(of data: Data, file: URL) throws(EvaluationError) -> DatasetFormat {
        if file.pathExtension.lowercased() == "txt" { return .widerFace }
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let firstCharacter = data.first { !Character(UnicodeScalar($0)).isWhitespace && !byteOrderMark.contains($0) }
        switch firstCharacter.map({ Character(UnicodeScalar($0)) }) {
        case "[": return .veil
        case "{": return .coco
        default:
            throw .unrecognizedFormat(
                path: file.path,
                reason: "expected a JSON array (Veil), a JSON object (COCO) or a .txt file (WIDER FACE)"
            )
        }
    }

    /// The first of `candidates` that exists as a directory, or `fallback`.
    static func existingDirectory(among candidates: [URL], fallback: URL) -> URL {
        candidates.first { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        } ?? fallback
    }
}
