import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves a file with byte ranges (``ByteRange``), streaming it in chunks so a long video is
/// never held in memory.
struct MediaFile: Sendable {
    /// Bytes read from disk per chunk.
    static let chunkBytes = 256 << 10

    var url: URL
    var contentType: String

    func response(rangeHeader: String?) throws -> Response {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.acceptRanges] = "bytes"
        let range: ClosedRange<Int>
        let status: HTTPResponse.Status
        switch ByteRange.resolve(rangeHeader, size: size) {
        case .whole:
            status = .ok
            range = 0...(size - 1)
        case .partial(let requested):
            status = .partialContent
            range = requested
            headers[.contentRange] = "bytes \(requested.lowerBound)-\(requested.upperBound)/\(size)"
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        guard size > 0 else { return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: .init())) }
        let url = url
        let body = ResponseBody(contentLength: range.count) { writer in
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            var remaining = range.count
            while remaining > 0 {
                let data = try handle.read(upToCount: min(remaining, Self.chunkBytes)) ?? Data()
                guard !data.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: data))
                remaining -= data.count
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}
