import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The page (Page/index.html, app.js, app.css), read once from the module's resources.
struct PageResources: Sendable {
    private let files: [String: Data]

    /// Reads the page's files from the bundle.
    ///
    /// - Throws: ``ReviewServerError/cannotOpen(_:)`` when a file is missing from the build.
    init() throws {
        var files: [String: Data] = [:]
        for name in ["index.html", "app.js", "app.css"] {
            let base = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Page"),
                let data = try? Data(contentsOf: url)
            else { throw ReviewServerError.cannotOpen("the review page's \(name) is missing from this build") }
            files[name] = data
        }
        self.files = files
    }

    func response(for name: String) -> Response {
        let types = [
            "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
            "css": "text/css; charset=utf-8",
        ]
        var headers = HTTPFields()
        headers[.contentType] = types[(name as NSString).pathExtension] ?? "application/octet-stream"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: files[name] ?? Data())))
    }
}
