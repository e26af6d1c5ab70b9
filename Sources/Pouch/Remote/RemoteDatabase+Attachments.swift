import Foundation

extension RemoteDatabase {
    /// Adds or replaces an attachment with `PUT /db/id/name?rev=...`, the
    /// bytes as the body under their content type. Without `rev` CouchDB
    /// creates the document, or answers `conflict` when it exists.
    @discardableResult
    public func putAttachment(
        docID: String, name: String, rev: RevisionID?, data: Data, contentType: String
    ) async throws -> WriteResult {
        var request = HTTPRequest(
            "PUT", try Self.attachmentPath(docID: docID, name: name, writing: true))
        if let rev { request.add("rev", rev.description) }
        request.body = data
        request.contentType = contentType
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// An attachment's bytes from `GET /db/id/name`, with the content type
    /// the server sends and its `md5-` digest (from `Content-MD5` or the
    /// ETag, computed from the bytes when the server sends neither).
    ///
    /// - Throws: `not_found` with reason `Document is missing attachment`.
    public func getAttachment(
        docID: String, name: String, rev: RevisionID?
    ) async throws -> AttachmentData {
        // Limitation: the whole attachment is held in memory; large ones are
        // not streamed to disk.
        var request = HTTPRequest(
            "GET", try Self.attachmentPath(docID: docID, name: name, writing: false))
        if let rev { request.add("rev", rev.description) }
        request.accept = "*/*"
        let response = try await client.send(request)
        guard response.isSuccess else { throw response.error() }
        return AttachmentData(
            data: response.body,
            contentType: response.header("content-type") ?? "application/octet-stream",
            digest: Self.attachmentDigest(response))
    }

    /// Removes an attachment with `DELETE /db/id/name?rev=...`, making a
    /// new revision.
    @discardableResult
    public func removeAttachment(
        docID: String, name: String, rev: RevisionID
    ) async throws -> WriteResult {
        var request = HTTPRequest(
            "DELETE", try Self.attachmentPath(docID: docID, name: name, writing: true))
        request.add("rev", rev.description)
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// The path of an attachment; see `documentPath(_:writing:)` for an
    /// empty document id.
    static func attachmentPath(
        docID: String, name: String, writing: Bool
    ) throws(PouchError) -> String {
        try documentPath(docID, writing: writing) + "/" + PercentEncoding.attachmentPath(name)
    }

    /// `md5-<base64>`: CouchDB sends the base64 MD5 as `Content-MD5` and,
    /// quoted, as the ETag.
    private static func attachmentDigest(_ response: HTTPResponse) -> String {
        let candidates = [
            response.header("content-md5"),
            response.header("etag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
        ]
        for case let value? in candidates where isBase64MD5(value) { return "md5-" + value }
        return "md5-" + Data(MD5.digest(response.body)).base64EncodedString()
    }

    /// Whether `text` is the base64 text of 16 bytes.
    private static func isBase64MD5(_ text: String) -> Bool {
        text.utf8.count == 24 && text.hasSuffix("==") && Data(base64Encoded: text) != nil
    }
}
