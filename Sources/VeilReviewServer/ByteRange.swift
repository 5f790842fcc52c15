import Foundation

/// What a `Range` request header asks of a file of known size (RFC 9110 §14), decided without
/// any I/O so it tests without sockets.
///
/// ```swift
/// ByteRange.resolve("bytes=-500", size: 10_000)   // .partial(9500...9999)
/// ByteRange.resolve("bytes=20000-", size: 10_000) // .unsatisfiable
/// ```
///
/// The framework's file middleware mishandles suffix ranges (`bytes=-N`), so the review
/// server serves media through this instead (docs/DECISIONS.md).
public enum ByteRange: Sendable, Hashable {
    /// Send the whole file with `200` (no range, a range that cannot be parsed, another unit,
    /// or several ranges: RFC 9110 lets a server ignore the header).
    case whole
    /// Send these bytes with `206` and `Content-Range: bytes A-B/SIZE`.
    case partial(ClosedRange<Int>)
    /// Answer `416` with `Content-Range: bytes */SIZE`.
    case unsatisfiable

    /// Resolves a `Range` header value against a file of `size` bytes.
    public static func resolve(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let specification = trimmed.dropFirst("bytes=".count)
        guard !specification.contains(",") else { return .whole }
        let parts = specification.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .whole }
        let first = parts[0].trimmingCharacters(in: .whitespaces)
        let last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // `bytes=-N`: the last N bytes; `-0` (or an empty file) cannot be satisfied.
            guard let count = decimal(last) else { return .whole }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - count)...(size - 1))
        }
        guard let start = decimal(first) else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .partial(start...(size - 1)) }
        guard let end = decimal(last) else { return .whole }
        // A last position before the first makes the header invalid: ignored (RFC 9110 §14.1.1).
        guard end >= start else { return .whole }
        return .partial(start...min(end, size - 1))
    }

    /// Digits only (no sign, no spaces), at most 18 of them so the value fits in an `Int`.
    private static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int(text)
    }
}
