import Foundation
import Pouch

/// Reads a `multipart/related` document body, as CouchDB's replicator sends
/// a document with attachments: the JSON document first, then one part per
/// attachment marked `"follows": true`, in the order of `_attachments`
/// (or named by each part's `Content-Disposition` filename).
enum MultipartRelated {
    /// The document with each following attachment inlined as base64 `data`.
    static func document(body: Data, contentType: String) throws -> JSON {
        guard let boundary = boundary(of: contentType) else {
            throw PouchError.badRequest("multipart/related without a boundary")
        }
        var parts = try split(Array(body), boundary: Array("--\(boundary)".utf8))
        guard !parts.isEmpty else { throw PouchError.badRequest("empty multipart body") }
        var doc: JSON
        do {
            doc = try JSON(parsing: parts.removeFirst().body)
        } catch {
            throw PouchError.badRequest("invalid UTF-8 JSON")
        }
        guard var attachments = doc["_attachments"]?.objectValue else { return doc }
        let following = attachments.filter { $0.value["follows"] == true }.map(\.key)
        for (index, part) in parts.enumerated() {
            let name = part.filename ?? (index < following.count ? following[index] : nil)
            guard let name, var stub = attachments[name]?.objectValue else {
                throw PouchError.badRequest("attachment part without a matching stub")
            }
            stub.removeValue(forKey: "follows")
            stub.removeValue(forKey: "length")
            stub["data"] = .string(Data(part.body).base64EncodedString())
            attachments[name] = .object(stub)
        }
        doc["_attachments"] = .object(attachments)
        return doc
    }

    private struct Part {
        var filename: String?
        var body: ArraySlice<UInt8>
    }

    private static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
                .split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    /// The parts between delimiters, each split into its headers and body.
    private static func split(_ bytes: [UInt8], boundary: [UInt8]) throws -> [Part] {
        var parts: [Part] = []
        guard var start = find(boundary, in: bytes, from: 0) else {
            throw PouchError.badRequest("multipart body without its boundary")
        }
        let delimiter = [0x0D, 0x0A] + boundary
        while true {
            let afterBoundary = start + boundary.count
            if bytes[afterBoundary...].starts(with: [0x2D, 0x2D]) { break }
            guard let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: afterBoundary),
                let end = find(delimiter, in: bytes, from: headEnd + 4)
            else { throw PouchError.badRequest("truncated multipart body") }
            let head = String(decoding: bytes[afterBoundary..<headEnd], as: UTF8.self)
            parts.append(Part(filename: filename(in: head), body: bytes[(headEnd + 4)..<end]))
            start = end + 2
        }
        return parts
    }

    private static func filename(in head: String) -> String? {
        guard let range = head.range(of: "filename=\"") else { return nil }
        let rest = head[range.upperBound...]
        guard let quote = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<quote])
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !pattern.isEmpty, bytes.count >= pattern.count, start <= bytes.count - pattern.count
        else { return nil }
        for index in start...(bytes.count - pattern.count)
        where bytes[index] == pattern[0]
            && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        {
            return index
        }
        return nil
    }
}
