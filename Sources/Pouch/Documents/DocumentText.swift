/// A document's JSON text split for storing: the special members (`_id`,
/// `_rev`, `_revisions`, ...) parsed, the others kept as the text of the
/// body, checked as the parser checks them but never built into values.
struct DocumentText {
    var specials: [(key: String, value: JSON)] = []
    /// `{"key":value,...}`: each non-special member's key and value, their
    /// bytes as they were in the text (a key that needed unescaping is
    /// written again).
    var body: [UInt8] = []

    /// Splits `text`; `nil` when it is not an object.
    init?(_ text: [UInt8]) throws(JSONParseError) {
        let read = { (parser: inout JSONParser) throws(JSONParseError) -> DocumentText? in
            try DocumentText(parser: &parser)
        }
        guard let split = try JSONParser.read(text, read) else { return nil }
        self = split
    }

    private init?(parser: inout JSONParser) throws(JSONParseError) {
        guard try parser.beginObject() else { return nil }
        body.reserveCapacity(parser.remaining)
        body.append(UInt8(ascii: "{"))
        var count = 0
        while let (key, keyText) = try parser.nextMember(after: count) {
            count += 1
            if let key, key.utf8.first == UInt8(ascii: "_") {
                specials.append((key, try parser.value()))
                continue
            }
            if body.count > 1 { body.append(UInt8(ascii: ",")) }
            if let key {
                JSON.string(key).serialize(into: &body)
            } else {
                body.append(contentsOf: parser.bytes(keyText))
            }
            body.append(UInt8(ascii: ":"))
            let start = parser.position
            try parser.skipValue()
            body.append(contentsOf: parser.bytes(start..<parser.position))
        }
        body.append(UInt8(ascii: "}"))
    }
}
