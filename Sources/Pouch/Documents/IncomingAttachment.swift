import Foundation

/// One member of a written document's `_attachments`: new data given
/// inline as base64, or a stub that keeps an attachment of the parent.
enum IncomingAttachment: Sendable {
    /// Inline data; `digest` is what the writer sent (kept with
    /// `new_edits: false`), `computedDigest` the MD5 of `data`.
    case inline(
        name: String, contentType: String, data: Data, computedDigest: String,
        digest: String?, revpos: Int?)
    /// `stub: true`: the attachment of that name held by an earlier revision.
    case stub(name: String, digest: String?, revpos: Int?)

    var name: String {
        switch self {
        case .inline(let name, _, _, _, _, _), .stub(let name, _, _): return name
        }
    }

    /// CouchDB's default attachment type.
    static let defaultContentType = "application/octet-stream"

    /// Checks a name as CouchDB's `validate_attachment_name` does: a name
    /// starting with `_` is `bad_request`.
    static func validate(name: String) throws(PouchError) {
        guard name.utf8.first == UInt8(ascii: "_") else { return }
        throw PouchError.badRequest(
            "Attachment name '\(name)' starts with prohibited character '_'")
    }

    /// Parses `_attachments`; bad base64 or a member that is neither data
    /// nor a stub is `bad_request`.
    static func list(from value: JSON) throws(PouchError) -> [IncomingAttachment] {
        guard case .object(let object) = value else {
            throw PouchError.badRequest("_attachments must be a JSON object")
        }
        var result: [IncomingAttachment] = []
        for (name, description) in object {
            result.append(try parse(name: name, description))
        }
        return result
    }

    private static func parse(
        name: String, _ value: JSON
    ) throws(PouchError)
        -> IncomingAttachment
    {
        guard case .object = value else {
            throw PouchError.badRequest("Attachment \(name) must be a JSON object")
        }
        try validate(name: name)
        let digest = value["digest"]?.stringValue
        let revpos = value["revpos"]?.intValue
        if value["stub"] == .bool(true) {
            return .stub(name: name, digest: digest, revpos: revpos)
        }
        guard case .string(let base64) = value["data"],
            let data = Data(base64Encoded: base64)
        else {
            throw PouchError.badRequest("Invalid attachment data for \(name)")
        }
        let contentType = value["content_type"]?.stringValue ?? defaultContentType
        return .inline(
            name: name, contentType: contentType, data: data,
            computedDigest: AttachmentInfo.digest(of: data), digest: digest, revpos: revpos)
    }
}

/// What a revision records about one of its attachments; the body itself
/// is stored once per digest.
///
/// Limitation: bodies are stored as given, never gzip-encoded, so no
/// `encoding` or `encoded_length` is reported (`att_encoding_info`).
struct AttachmentInfo: Sendable, Equatable {
    var name: String
    var contentType: String
    /// `md5-<base64>`, as CouchDB writes it.
    var digest: String
    var length: Int
    /// The generation of the revision that added this body.
    var revpos: Int

    /// CouchDB's attachment digest: `md5-` and the base64 of the MD5.
    /// The bytes are read in place, never copied.
    static func digest(of bytes: some ContiguousBytes) -> String {
        let md5 = bytes.withUnsafeBytes { raw in
            MD5.digest(raw.assumingMemoryBound(to: UInt8.self))
        }
        return "md5-" + Data(md5).base64EncodedString()
    }

    /// The stub CouchDB shows without `attachments=true`.
    var stub: JSON {
        [
            "content_type": .string(contentType), "revpos": .int(Int64(revpos)),
            "digest": .string(digest), "length": .int(Int64(length)), "stub": true,
        ]
    }

    /// The description CouchDB shows with the body inline.
    func inline(_ data: Data) -> JSON {
        [
            "content_type": .string(contentType), "revpos": .int(Int64(revpos)),
            "digest": .string(digest), "data": .string(data.base64EncodedString()),
        ]
    }

    /// Encodes a revision's attachments for the `revs.atts` column.
    static func encode(_ attachments: [AttachmentInfo]) -> [UInt8] {
        var object = JSONObject()
        for attachment in attachments {
            object.appendUnchecked(
                attachment.name,
                [
                    "content_type": .string(attachment.contentType),
                    "revpos": .int(Int64(attachment.revpos)),
                    "digest": .string(attachment.digest),
                    "length": .int(Int64(attachment.length)),
                ])
        }
        return JSON.object(object).serializedBytes()
    }

    /// Decodes the `revs.atts` column.
    static func decode(_ bytes: [UInt8]) throws(PouchError) -> [AttachmentInfo] {
        guard let value = try? JSON(parsing: bytes), case .object(let object) = value else {
            throw PouchError.storage("an attachment record is unreadable")
        }
        return object.map { name, info in
            AttachmentInfo(
                name: name,
                contentType: info["content_type"]?.stringValue ?? defaultContentTypeName,
                digest: info["digest"]?.stringValue ?? "",
                length: info["length"]?.intValue ?? 0,
                revpos: info["revpos"]?.intValue ?? 0)
        }
    }

    private static let defaultContentTypeName = IncomingAttachment.defaultContentType
}
