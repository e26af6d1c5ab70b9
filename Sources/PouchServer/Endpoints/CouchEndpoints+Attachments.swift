import Foundation
import Pouch

extension CouchEndpoints {
    /// `GET /db/doc/att`: the bytes with their content type; `?rev=` for an
    /// older revision.
    static func getAttachment(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let rev = try request.query["rev"].map { text throws(PouchError) in
            try RevisionID(validating: text)
        }
        let attachment = try await database.getAttachment(
            docID: request.documentID, name: request.parameter("attachment"), rev: rev)
        let etag = "\"\(attachment.digest)\""
        if request.http.headers["If-None-Match"] == etag {
            return HTTPResponse(status: 304, headers: HTTPHeaders([("ETag", etag)]))
        }
        let headers = HTTPHeaders([
            ("Content-Type", attachment.contentType), ("ETag", etag),
            ("Accept-Ranges", "none"),
        ])
        return HTTPResponse(status: 200, headers: headers, body: .bytes(attachment.data))
    }

    /// `PUT /db/doc/att?rev=`: stores the body as the attachment, creating
    /// the document when there is no revision.
    static func putAttachment(_ request: ServerRequest) async throws -> HTTPResponse {
        let id = request.documentID
        let database = try await request.database(id.hasPrefix("_design/") ? .admin : .member)
        let rev = try (request.query["rev"] ?? ifMatch(request)).map {
            text throws(PouchError) in try RevisionID(validating: text)
        }
        let contentType = request.http.headers["Content-Type"] ?? "application/octet-stream"
        let result = try await database.putAttachment(
            docID: id, name: request.parameter("attachment"), rev: rev,
            data: request.http.body, contentType: contentType)
        return try written(result, request, status: 201)
    }

    /// `DELETE /db/doc/att?rev=`: a new revision without the attachment.
    static func deleteAttachment(_ request: ServerRequest) async throws -> HTTPResponse {
        let id = request.documentID
        let database = try await request.database(id.hasPrefix("_design/") ? .admin : .member)
        guard let text = request.query["rev"] ?? ifMatch(request) else {
            throw PouchError.conflict()
        }
        let result = try await database.removeAttachment(
            docID: id, name: request.parameter("attachment"), rev: try RevisionID(validating: text))
        return try written(result, request, status: 200)
    }
}
