/// Percent-encoding of document ids, attachment names and query values, so
/// the server decodes exactly the text that was given.
///
/// Everything but RFC 3986's unreserved characters is encoded as UTF-8
/// bytes, so `/`, `%`, `+`, `?`, `#`, spaces and non-ASCII letters all reach
/// CouchDB as themselves (`+` as `%2B`, never read as a space).
enum PercentEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// `text` with every byte outside `A-Z a-z 0-9 - . _ ~` percent-encoded.
    static func component(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The path of a document below its database. `_design/` and `_local/`
    /// keep their slash, as CouchDB routes them; the rest of the id is one
    /// encoded component, so `_design/a/b` becomes `_design/a%2Fb`.
    static func documentPath(_ id: String) -> String {
        for prefix in ["_design/", "_local/"] where id.hasPrefix(prefix) {
            return prefix + component(String(id.dropFirst(prefix.count)))
        }
        return component(id)
    }

    /// The path of an attachment below its document: each `/`-separated
    /// part encoded, the slashes kept, as CouchDB reads an attachment name
    /// from the rest of the path.
    static func attachmentPath(_ name: String) -> String {
        name.split(separator: "/", omittingEmptySubsequences: false)
            .map { component(String($0)) }
            .joined(separator: "/")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
