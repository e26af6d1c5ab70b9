import Pouch

/// Percent-decoding of URL parts exactly as CouchDB reads them.
enum PathDecoding {
    /// The segments of a request path, each percent-decoded on its own, so
    /// an encoded `%2F` stays inside its segment (a document id `a/b`)
    /// while a literal `/` separates segments (`_design/a`). A trailing
    /// `/` adds no segment. `+` stays `+` in a path.
    static func segments(_ rawPath: Substring) throws(PouchError) -> [String] {
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "" { parts.removeFirst() }
        if parts.count > 1 && parts.last == "" { parts.removeLast() }
        if parts == [""] { return [] }
        var segments: [String] = []
        for part in parts { segments.append(try decode(part, plusAsSpace: false)) }
        return segments
    }

    /// A percent-decoded string; `plusAsSpace` for query strings
    /// (`application/x-www-form-urlencoded`). Malformed escapes or bytes
    /// that are not UTF-8 are `bad_request`.
    static func decode<S: StringProtocol>(
        _ text: S, plusAsSpace: Bool
    ) throws(PouchError) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(0x25) || (plusAsSpace && utf8.contains(0x2B)) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == 0x25 {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]),
                    let low = hexValue(utf8[index + 2])
                else { throw PouchError.badRequest("invalid URL encoding") }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusAsSpace && byte == 0x2B ? 0x20 : byte)
                index += 1
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PouchError.badRequest("invalid UTF-8 in URL")
        }
        return decoded
    }

    /// Encodes a path segment for a `Location` header: everything but
    /// unreserved characters is escaped.
    static func encodeSegment(_ text: String) -> String {
        let unreserved = Set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var result = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
