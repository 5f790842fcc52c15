import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VeilReview

/// Answers every request of the review server, in a fixed order: `Host` check (403), token
/// exchange (303 or 401), cookie check (401), then the routes. One function rather than a
/// router with middleware so the order is visible in one place and no route can be reached
/// around it.
struct ReviewResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// Largest JSON body accepted (an edit is a few hundred bytes; a polygon region a few KB).
    static let maximumBodyBytes = 1 << 20
    /// The page's Content-Security-Policy (docs/REVIEW-API.md): no inline code, nothing from
    /// elsewhere.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; "
        + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

    let hosts: @Sendable () -> HostPolicy
    let gate: AccessGate
    let backend: ReviewBackend
    let page: PageResources

    func respond(to request: Request, context: Context) async throws -> Response {
        var response = await route(request, context: context)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        return response
    }

    private func route(_ request: Request, context: Context) async -> Response {
        let named = (request.head.authority.map { [$0] } ?? []) + request.headers[values: HTTPField.Name("Host")!]
        guard hosts().accepts(named) else { return Self.text(.forbidden, "forbidden: unknown Host") }
        let path = request.uri.path
        if request.method == .get, path == "/", let token = request.uri.queryParameters.get("token") {
            guard gate.redeem(token) else { return Self.text(.unauthorized, "unauthorized") }
            var headers = HTTPFields()
            headers[.location] = "/"
            headers[.setCookie] = gate.setCookieHeader
            return Response(status: .seeOther, headers: headers)
        }
        guard gate.admits(cookie: request.cookies[AccessGate.cookieName]?.value) else {
            return Self.text(.unauthorized, "unauthorized")
        }
        do {
            switch (request.method, path) {
            case (.get, "/"): return page.response(for: "index.html")
            case (.get, "/static/app.js"): return page.response(for: "app.js")
            case (.get, "/static/app.css"): return page.response(for: "app.css")
            case (.get, _) where path.hasPrefix("/media/"):
                return try await media(path, rangeHeader: request.headers[.range])
            case (.get, "/api/project"):
                switch backend {
                case .video(let state, _): return try Self.json(await state.project)
                case .photos(let state): return try Self.json(await state.project)
                }
            case (.post, "/api/edits"):
                let edit = try await Self.decode(EditRequest.self, from: request, context: context)
                switch backend {
                case .video(let state, _):
                    guard edit.photo == nil else {
                        throw BadRequest(message: "this review is of a video: 'photo' must be null")
                    }
                    return try Self.json(try await state.perform(edit))
                case .photos(let state): return try Self.json(try await state.perform(edit))
                }
            case (.post, "/api/undo"), (.post, "/api/redo"):
                let body = try await Self.decode(ReviewerRequest.self, from: request, context: context)
                switch (backend, path == "/api/undo") {
                case (.video(let state, _), true): return try Self.json(try await state.undo(by: body.who))
                case (.video(let state, _), false): return try Self.json(try await state.redo(by: body.who))
                case (.photos(let state), true):
                    return try Self.json(try await state.undo(photo: body.photo, by: body.who))
                case (.photos(let state), false):
                    return try Self.json(try await state.redo(photo: body.photo, by: body.who))
                }
            case (.post, "/api/export"):
                let body = try await Self.decode(ExportRequest.self, from: request, context: context)
                let allow = body.allowUnreviewed ?? false
                switch backend {
                case .video(let state, _):
                    return try Self.json(try await state.export(by: body.who, allowingUnreviewed: allow))
                case .photos(let state):
                    return try Self.json(try await state.export(by: body.who, allowingUnreviewed: allow))
                }
            default:
                return Self.error(.notFound, "no such resource: \(request.method) \(path.prefix(100))")
            }
        } catch let error as BadRequest {
            return Self.error(.badRequest, error.message)
        } catch ReviewServerError.unreviewedPhotos(let names) {
            return Self.json(
                status: .conflict,
                ErrorBody(error: ReviewServerError.unreviewedPhotos(names).description, unreviewedPhotos: names))
        } catch ReviewServerError.unreviewedTracks(let ids) {
            return Self.json(
                status: .conflict,
                ErrorBody(error: ReviewServerError.unreviewedTracks(ids).description, unreviewedTrackIDs: ids))
        } catch let error as ReviewServerError {
            if case .exportFailed = error { return Self.error(.internalServerError, error.description) }
            return Self.error(.conflict, error.description)
        } catch let error as ReviewError {
            if case .logFile = error { return Self.error(.internalServerError, error.description) }
            if case .noSuchPhoto = error { return Self.error(.notFound, error.description) }
            return Self.error(.conflict, error.description)
        } catch {
            return Self.error(.internalServerError, "\(error)")
        }
    }

    struct BadRequest: Error {
        var message: String
    }

    struct ErrorBody: Encodable {
        var error: String
        var unreviewedTrackIDs: [Int]?
        var unreviewedPhotos: [String]?
    }

    /// `/media/video` for a video, `/media/photo/ID` for photos; anything else 404.
    private func media(_ path: String, rangeHeader: String?) async throws -> Response {
        switch backend {
        case .video(_, let video) where path == "/media/video":
            return try video.response(rangeHeader: rangeHeader)
        case .photos(let state) where path.hasPrefix("/media/photo/"):
            guard let id = Int(path.dropFirst("/media/photo/".count)) else {
                return Self.error(.notFound, "no such photo")
            }
            let url = try await state.photoFile(id)
            let data: Data
            do {
                data = try await ReviewState.runBlocking { try PhotoReviewState.servedJPEG(of: url) }
            } catch {
                return Self.error(.internalServerError, "\(url.lastPathComponent): \(error)")
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        default:
            return Self.error(.notFound, "no such resource: GET \(path.prefix(100))")
        }
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: Context) async throws
        -> Value
    {
        guard let contentType = request.headers[.contentType],
            contentType.lowercased().hasPrefix("application/json")
        else { throw BadRequest(message: "the body must be application/json") }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBodyBytes)
        } catch {
            throw BadRequest(message: "the body is larger than \(maximumBodyBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer: buffer))
        } catch {
            throw BadRequest(message: "malformed request: \(EditLogDescription.describe(error))")
        }
    }

    static func json(_ value: some Encodable) throws -> Response {
        json(status: .ok, value)
    }

    static func json(status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? ReviewProject.encoder().encode(value)) ?? Data("{\"error\":\"cannot encode\"}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status: status, ErrorBody(error: message))
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}

/// A decoding error in one short line ("missing 'who' at the top level").
enum EditLogDescription {
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
            return components.isEmpty ? "the top level" : components.joined()
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "missing '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context))"
        case DecodingError.dataCorrupted(let context): return "\(context.debugDescription) at \(path(context))"
        default: return "not JSON"
        }
    }
}
