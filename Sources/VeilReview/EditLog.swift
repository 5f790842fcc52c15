public import Foundation

/// Reading and writing the decision log (`clip.edits.jsonl` beside `clip.tracks.json`).
///
/// Parsing treats the file as untrusted: every line is decoded on its own, size-limited and
/// checked; the first bad line stops the load with its number and what is wrong, and nothing
/// is replayed.
public enum EditLog {
    /// Longest line accepted (bytes). Undo entries of long tracks carry whole tracks; 64 MiB is
    /// hours of boxes.
    public static let maximumLineBytes = 64 << 20
    /// Longest reviewer name and reason, in characters.
    public static let maximumNameLength = 200
    /// The longest reason accepted, in characters.
    public static let maximumWhyLength = 2000
    /// The longest photo name (a path relative to the folder reviewed), in bytes.
    public static let maximumPhotoNameBytes = 4096

    /// The log's default place: `clip.tracks.json` → `clip.edits.jsonl`.
    public static func url(forTracksFile tracks: URL) -> URL {
        var name = tracks.lastPathComponent
        for suffix in [".json", ".tracks"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return tracks.deletingLastPathComponent().appendingPathComponent(name + ".edits.jsonl")
    }

    /// One entry as a log line, newline included.
    public static func line(for entry: EditLogEntry) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        // Encoding values built from validated types cannot fail; an empty object would be
        // refused on reading, never silently accepted.
        var data = (try? encoder.encode(entry)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// The whole log as bytes.
    public static func data(for entries: [EditLogEntry]) -> Data {
        entries.reduce(into: Data()) { $0.append(line(for: $1)) }
    }

    /// Parses a log. Checks each line's syntax, format, version, numbering, names and hashes'
    /// form; whether the entries replay is ``ReviewSession/replay(_:onto:mediaSHA256:tracksSHA256:)``'s job.
    ///
    /// - Throws: ``ReviewError/line(_:_:)`` naming the first bad line (1-based).
    public static func parse(_ data: Data) throws(ReviewError) -> [EditLogEntry] {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsWithNewline = lines.last?.isEmpty ?? true
        if endsWithNewline, !lines.isEmpty { lines.removeLast() }
        var entries: [EditLogEntry] = []
        entries.reserveCapacity(lines.count)
        for (offset, bytes) in lines.enumerated() {
            let number = offset + 1
            do {
                let entry = try parseLine(Data(bytes))
                guard entry.seq == entries.count + 1 else {
                    throw ReviewError.malformedEntry(
                        "entry is numbered \(entry.seq) where \(entries.count + 1) was expected; "
                            + "lines were removed, reordered or inserted")
                }
                entries.append(entry)
            } catch {
                let incomplete =
                    !endsWithNewline && number == lines.count
                    ? " (the last line has no newline: the file may have been cut off mid-write)" : ""
                throw .line(number, .malformedEntry("\(error)\(incomplete)"))
            }
        }
        return entries
    }

    static func parseLine(_ bytes: Data) throws(ReviewError) -> EditLogEntry {
        guard bytes.count <= maximumLineBytes else {
            throw .malformedEntry("longer than \(maximumLineBytes) bytes")
        }
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else {
            throw .malformedEntry("empty line")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .malformedEntry("not UTF-8 text") }
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: bytes)
        } catch {
            throw .malformedEntry("not a JSON object")
        }
        guard header.format == EditLogEntry.formatName else {
            throw .malformedEntry("not a Veil edits entry (format is '\(header.format?.prefix(40) ?? "missing")')")
        }
        guard header.version == EditLogEntry.formatVersion else {
            throw .malformedEntry(
                "version \(header.version.map(String.init) ?? "missing") is not supported "
                    + "(this build reads \(EditLogEntry.formatVersion))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(fromTimestamp: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'when' is not an ISO 8601 date-time (e.g. 2026-11-30T09:15:00Z)")
            }
            return date
        }
        let entry: EditLogEntry
        do {
            entry = try decoder.decode(EditLogEntry.self, from: bytes)
        } catch {
            throw .malformedEntry(describe(error))
        }
        try check(entry)
        return entry
    }

    /// Checks what the types cannot: names, lengths and the hashes' form.
    static func check(_ entry: EditLogEntry) throws(ReviewError) {
        let who = entry.who.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !who.isEmpty else { throw .reviewerRequired }
        guard entry.who.count <= maximumNameLength else {
            throw .malformedEntry("'who' is longer than \(maximumNameLength) characters")
        }
        if let why = entry.why, why.count > maximumWhyLength {
            throw .malformedEntry("'why' is longer than \(maximumWhyLength) characters")
        }
        if let photo = entry.photo {
            guard !photo.isEmpty, photo.utf8.count <= maximumPhotoNameBytes else {
                throw .malformedEntry("'photo' must be a file name of 1…\(maximumPhotoNameBytes) bytes")
            }
        }
        for (name, hash) in [("mediaSHA256", entry.mediaSHA256), ("tracksSHA256", entry.tracksSHA256)] {
            guard isSHA256(hash) else { throw .malformedEntry("'\(name)' is not a SHA-256 (64 hex digits)") }
        }
        switch (entry.action, entry.target) {
        case (.do, nil), (.undo, .some), (.redo, .some): break
        case (.do, .some): throw .malformedEntry("a 'do' entry has no target")
        case (.undo, nil), (.redo, nil): throw .malformedEntry("an '\(entry.action.rawValue)' entry needs a target")
        }
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Reads and parses a log file.
    public static func load(from url: URL) throws(ReviewError) -> [EditLogEntry] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .logFile(path: url.path, reason: "cannot read it (\(error.localizedDescription))")
        }
        do {
            return try parse(data)
        } catch {
            throw .inLog(path: url.lastPathComponent, error)
        }
    }

    /// Appends entries to a log file (created if missing). Never rewrites what is there.
    public static func append(_ entries: [EditLogEntry], to url: URL) throws(ReviewError) {
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data(for: entries))
            try handle.synchronize()
        } catch {
            throw .logFile(path: url.path, reason: "cannot append to it (\(error.localizedDescription))")
        }
    }

    /// `2026-11-30T09:15:00Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func date(fromTimestamp text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A decoding error as "missing 'who'" or "wrong type at .what.frame".
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
            return components.isEmpty ? "the top level" : components.joined()
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        default:
            return "\(error)"
        }
    }
}
