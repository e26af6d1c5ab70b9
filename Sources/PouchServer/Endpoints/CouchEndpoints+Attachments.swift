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
        var headers = HTTPHeaders([
            ("Content-Type", attachment.contentType), ("ETag", etag), ("Accept-Ranges", "bytes"),
        ])
        return try ranged(attachment, request, &headers)
    }

    /// The attachment whole (200), one range of it (206 with
    /// `Content-Range`), or 2 to 9 ranges as `multipart/byteranges` (206),
    /// as CouchDB answers a `Range` header; 10 ranges or more get the whole.
    private static func ranged(
        _ attachment: AttachmentData, _ request: ServerRequest, _ headers: inout HTTPHeaders
    ) throws -> HTTPResponse {
        let data = attachment.data
        let ranges = try AttachmentRange.ranges(
            request.http.headers["Range"], length: data.count)
        switch ranges?.count ?? 0 {
        case 1:
            let range = ranges![0]
            headers.add(
                "Content-Range", AttachmentRange.contentRange(range, length: data.count))
            let start = data.startIndex
            let slice = Data(data[(start + range.lowerBound)...(start + range.upperBound)])
            return HTTPResponse(status: 206, headers: headers, body: .bytes(slice))
        case 2..<10:
            let boundary = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let body = AttachmentRange.multipart(
                data, ranges: ranges!, contentType: attachment.contentType, boundary: boundary)
            let multipart = HTTPHeaders([
                ("Content-Type", "multipart/byteranges; boundary=\"\(boundary)\"")
            ])
            return HTTPResponse(status: 206, headers: multipart, body: .bytes(body))
        default:
            if let md5 = attachment.digest.split(separator: "-", maxSplits: 1).last,
                attachment.digest.hasPrefix("md5-")
            {
                headers.add("Content-MD5", String(md5))
            }
            return HTTPResponse(status: 200, headers: headers, body: .bytes(data))
        }
    }

    /// `PUT /db/doc/att?rev=`: stores the body as the attachment, creating
    /// the document when there is no revision.
    static func putAttachment(_ request: ServerRequest) async throws -> HTTPResponse {
        let id = request.documentID
        let database = try await request.database(id.hasPrefix("_design/") ? .admin : .member)
        let rev = try requestRevision(request).map {
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
        guard let text = try requestRevision(request) else {
            throw PouchError.conflict()
        }
        let result = try await database.removeAttachment(
            docID: id, name: request.parameter("attachment"), rev: try RevisionID(validating: text))
        return try written(result, request, status: 200)
    }
}
