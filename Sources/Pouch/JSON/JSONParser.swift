import Foundation

/// Why a JSON text was rejected, and at which byte.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offset of the offending byte from the start of the text.
    public var offset: Int
    /// What was wrong there.
    public var message: String

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

extension JSON {
    /// The deepest nesting of arrays and objects the parser accepts.
    public static let maximumDepth = 512

    /// Parses a complete JSON text (RFC 8259) from UTF-8 bytes.
    ///
    /// Trailing commas, bad escapes, lone surrogates, control characters in
    /// strings, leading zeros, trailing garbage and nesting deeper than
    /// `maximumDepth` are errors that name the byte offset.
    public init<Bytes: Collection>(parsing bytes: Bytes) throws(JSONParseError)
    where Bytes.Element == UInt8 {
        let result: Result<JSON, JSONParseError>? = bytes.withContiguousStorageIfAvailable {
            buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        if let result {
            self = try result.get()
        } else {
            let copy = Array(bytes)
            self = try copy.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                var parser = JSONParser(buffer)
                return try parser.parseDocument()
            }
        }
    }

    /// Parses a complete JSON text from a string.
    public init(parsing text: String) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONParseError) in try parser.parseDocument() }
        }
        self = try result.get()
    }
}

/// A recursive-descent parser over a buffer of UTF-8 bytes.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected data after the value") }
        return value
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(offset: index, message: message)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSON {
        guard index < bytes.count else { throw failure("unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func parseLiteral(
        _ word: StaticString, _ value: JSON
    ) throws(JSONParseError) -> JSON {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of text") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("invalid literal")
        }
        index += count
        return value
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > JSON.maximumDepth { throw failure("nesting deeper than \(JSON.maximumDepth)") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSON {
        try enterContainer()
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            try expectKey()
            let key = try parseString()
            try passColon()
            let value = try parseValue()
            // A repeated key keeps its last value, as CouchDB's parser does.
            if object.count < 16, object[key] == nil {
                object.appendUnchecked(key, value)
            } else {
                object[key] = value
            }
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
            index += 1
            depth -= 1
            return .object(object)
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSON {
        try enterContainer()
        index += 1
        var array: [JSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of text") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
            index += 1
            depth -= 1
            return .array(array)
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try decodeUTF8(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("control character in string") }
            index += 1
        }
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        return try parseEscapedString(into: &scratch, start: start)
    }

    private mutating func parseEscapedString(
        into scratch: inout [UInt8], start: Int
    ) throws(JSONParseError) -> String {
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scratch.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                    try decodeUTF8(buffer, at: start)
                }
            case UInt8(ascii: "\\"):
                try parseEscape(into: &scratch)
            case 0..<0x20:
                throw failure("control character in string")
            default:
                scratch.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        index += 1
        guard index < bytes.count else { throw failure("unterminated string") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): try parseUnicodeEscape(into: &scratch)
        default:
            index -= 2
            throw failure("invalid escape")
        }
    }

    private mutating func parseUnicodeEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index - 2
        var scalar = try parseHex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u")
            else {
                throw JSONParseError(offset: escapeStart, message: "lone surrogate")
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(offset: escapeStart, message: "lone surrogate")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw JSONParseError(offset: escapeStart, message: "lone surrogate")
        }
        guard let unicode = Unicode.Scalar(scalar) else {
            throw JSONParseError(offset: escapeStart, message: "invalid code point")
        }
        scratch.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("unterminated string") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private func decodeUTF8(
        _ buffer: UnsafeBufferPointer<UInt8>, at start: Int
    ) throws(JSONParseError) -> String {
        // ASCII, most JSON text, is valid as is; `String(decoding:)` over a
        // buffer pointer is specialized, where `String(validating:)` runs
        // generic code (a metadata lookup per string).
        if !buffer.contains(where: { $0 >= 0x80 }) {
            return String(decoding: buffer, as: UTF8.self)
        }
        if let string = String(validating: buffer, as: UTF8.self) { return string }
        throw JSONParseError(offset: start, message: "invalid UTF-8 in string")
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSON {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw failure("leading zero in number")
            }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw failure("invalid number")
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count,
                bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
            {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw failure("invalid number")
            }
            skipDigits()
        }
        let text = String(
            decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(offset: start, message: "number out of range")
        }
        return .double(value)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
}

/// Reading a text step by step: objects member by member and arrays
/// element by element, each value parsed or only checked, so a caller can
/// keep parts of a large text as their bytes instead of building values.
/// Each step accepts exactly what `parseDocument` accepts.
extension JSONParser {
    /// The offset of the next byte to read.
    var position: Int { index }

    /// How many bytes are left to read.
    var remaining: Int { bytes.count - index }

    /// The bytes of the text in `range`.
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }

    /// Consumes `{` after any whitespace; `false` (nothing consumed) when
    /// the next value is not an object.
    mutating func beginObject() throws(JSONParseError) -> Bool {
        try begin(UInt8(ascii: "{"))
    }

    /// Consumes `opening` (`{` or `[`) after any whitespace, entering the
    /// container; `false` (nothing consumed) when another value is next.
    private mutating func begin(_ opening: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == opening else { return false }
        try enterContainer()
        index += 1
        return true
    }

    /// The key of the next member, the position left at its value, after
    /// `count` members were read; `nil` once the closing `}` is consumed.
    mutating func nextKey(after count: Int) throws(JSONParseError) -> String? {
        guard try nextItem(after: count, closing: UInt8(ascii: "}")) else { return nil }
        try expectKey()
        let key = try parseString()
        try passColon()
        return key
    }

    /// Throws unless a key's opening quote is next.
    private func expectKey() throws(JSONParseError) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw failure("expected a string key")
        }
    }

    /// Passes the `:` after a key and the whitespace around it.
    private mutating func passColon() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw failure("expected ':'")
        }
        index += 1
        skipWhitespace()
    }

    /// `nextKey`, but a key that needs no unescaping and does not start
    /// with `_` is only checked, not decoded: `key` is then `nil` and
    /// `text` is its bytes with their quotes.
    mutating func nextMember(
        after count: Int
    ) throws(JSONParseError) -> (key: String?, text: Range<Int>)? {
        guard try nextItem(after: count, closing: UInt8(ascii: "}")) else { return nil }
        try expectKey()
        let start = index
        var key: String?
        if index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "_"),
            try skipPlainString()
        {
            key = nil
        } else {
            index = start
            key = try parseString()
        }
        let text = start..<index
        try passColon()
        return (key, text)
    }

    /// Consumes `[` after any whitespace; `false` (nothing consumed) when
    /// the next value is not an array.
    mutating func beginArray() throws(JSONParseError) -> Bool {
        try begin(UInt8(ascii: "["))
    }

    /// Whether another element follows the `count` read, the position left
    /// at it; `false` once the closing `]` is consumed.
    mutating func nextElement(after count: Int) throws(JSONParseError) -> Bool {
        try nextItem(after: count, closing: UInt8(ascii: "]"))
    }

    /// Moves past the `,` before an item, or past `closing` (`false`).
    private mutating func nextItem(after count: Int, closing: UInt8) throws(JSONParseError) -> Bool
    {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of text") }
        if bytes[index] == closing {
            index += 1
            depth -= 1
            return false
        }
        if count > 0 {
            guard bytes[index] == UInt8(ascii: ",") else {
                throw failure(
                    closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
            }
            index += 1
            skipWhitespace()
        }
        return true
    }

    /// Parses the next value.
    mutating func value() throws(JSONParseError) -> JSON {
        skipWhitespace()
        return try parseValue()
    }

    /// Checks the next value as `value()` would, without building it.
    mutating func skipValue() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            _ = try beginObject()
            var count = 0
            while try nextKey(after: count) != nil {
                try skipValue()
                count += 1
            }
        case UInt8(ascii: "["):
            _ = try beginArray()
            var count = 0
            while try nextElement(after: count) {
                try skipValue()
                count += 1
            }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            // Literals and numbers build no storage.
            _ = try parseValue()
        }
    }

    /// Checks a string: its bytes when they need no unescaping, else as
    /// `parseString` reads it.
    private mutating func skipString() throws(JSONParseError) {
        let quote = index
        if try skipPlainString() { return }
        index = quote
        _ = try parseString()
    }

    /// Checks a string that needs no unescaping and moves past it; `false`
    /// at the first escape, the position then left inside the string.
    private mutating func skipPlainString() throws(JSONParseError) -> Bool {
        let quote = index
        index += 1
        var isASCII = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if !isASCII {
                    _ = try decodeUTF8(
                        UnsafeBufferPointer(rebasing: bytes[(quote + 1)..<index]), at: quote + 1)
                }
                index += 1
                return true
            }
            if byte == UInt8(ascii: "\\") { return false }
            if byte < 0x20 { throw failure("control character in string") }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
        throw failure("unterminated string")
    }

    /// Checks that only whitespace is left.
    /// What `read` makes of `bytes`, checked to be followed by nothing but
    /// whitespace; `nil`, unchecked, when `read` finds another kind of
    /// value than it reads.
    static func read<T>(
        _ bytes: [UInt8], _ read: (inout JSONParser) throws(JSONParseError) -> T?
    ) throws(JSONParseError) -> T? {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> T? in
                var parser = JSONParser(buffer)
                guard let value = try read(&parser) else { return nil }
                try parser.finish()
                return value
            }
        }
        return try result.get()
    }

    mutating func finish() throws(JSONParseError) {
        skipWhitespace()
        if index < bytes.count { throw failure("unexpected data after the value") }
    }
}
