import Foundation

/// Turns the bytes of a connection into requests, one at a time: the head,
/// then a body delimited by `Content-Length` or `Transfer-Encoding: chunked`
/// (RFC 9112), enforcing the size limits.
///
/// Bytes after a complete request stay buffered for the next one, so
/// pipelined requests are read in order.
struct HTTPRequestParser {
    private enum State {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
    }

    let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var position = 0
    private var state = State.head
    private var head: HTTPRequest?
    /// The body so far, built in the `Data` the request will carry, so a
    /// large body (an attachment) is never copied whole.
    private var body = Data()

    /// Set when a head asking `Expect: 100-continue` was read and its body
    /// has not arrived yet; the connection answers `100 Continue` once.
    var awaitsContinue = false

    init(limits: HTTPLimits) {
        self.limits = limits
    }

    /// Whether no byte of a next request has been received.
    var isIdle: Bool {
        if case .head = state { return position == buffer.count }
        return false
    }

    /// Adds received bytes.
    mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if position > 0 && position >= buffer.count / 2 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, or `nil` until more bytes arrive.
    mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            let progressed: Bool
            switch state {
            case .head: progressed = try parseHead()
            case .fixedBody(let remaining): progressed = readFixed(remaining)
            case .chunkSize: progressed = try parseChunkSize()
            case .chunkData(let remaining): progressed = try readChunk(remaining)
            case .chunkDataEnd: progressed = try parseChunkEnd()
            case .trailers(let bytes): progressed = try parseTrailer(bytes)
            }
            if let request = takeIfComplete() { return request }
            if !progressed { return nil }
        }
    }

    private var available: Int { buffer.count - position }

    // MARK: - Head

    private mutating func parseHead() throws(HTTPParseError) -> Bool {
        skipLeadingEmptyLines()
        guard let end = find(crlfcrlf, from: position) else {
            if available > limits.maxHeaderBytes { throw .headerTooLarge }
            return false
        }
        if end - position > limits.maxHeaderBytes { throw .headerTooLarge }
        let text = buffer[position..<end]
        position = end + 4
        var request = try Self.parseHeadText(text)
        try startBody(of: &request)
        return true
    }

    private mutating func skipLeadingEmptyLines() {
        while available >= 2, buffer[position] == 0x0D, buffer[position + 1] == 0x0A {
            position += 2
        }
    }

    /// Reads the request line and header fields of a head (without its
    /// final empty line).
    static func parseHeadText(_ text: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPRequest {
        var lines = split(text, on: crlf)
        guard !lines.isEmpty else { throw .malformed("empty request") }
        let requestLine = lines.removeFirst()
        let (method, target, minor) = try parseRequestLine(requestLine)
        var headers = HTTPHeaders()
        for line in lines {
            let (name, value) = try parseField(line)
            headers.add(name, value)
        }
        return HTTPRequest(method: method, target: target, minorVersion: minor, headers: headers)
    }

    private static func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (String, String, Int) {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .malformed("malformed request line") }
        let version = Array(parts[2])
        guard version.count == 8, version.starts(with: Array("HTTP/1.".utf8)),
            version[7] == 0x30 || version[7] == 0x31
        else { throw .malformed("unsupported HTTP version") }
        let target = originForm(String(decoding: parts[1], as: UTF8.self))
        guard target.hasPrefix("/") || target == "*" else {
            throw .malformed("malformed request target")
        }
        return (String(decoding: parts[0], as: UTF8.self), target, Int(version[7] - 0x30))
    }

    /// `http://host/path` (absolute form) reduced to `/path`.
    private static func originForm(_ target: String) -> String {
        guard let scheme = target.range(of: "://") else { return target }
        let rest = target[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...])
    }

    private static func parseField(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (String, String) {
        guard let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
            line[line.startIndex..<colon].allSatisfy(isTokenByte)
        else { throw .malformed("malformed header field") }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
        let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
        return (name, String(decoding: value, as: UTF8.self))
    }

    /// Decides how the body is delimited and checks its announced size.
    private mutating func startBody(of request: inout HTTPRequest) throws(HTTPParseError) {
        let encoding = request.headers.values("Transfer-Encoding")
        let lengths = request.headers.values("Content-Length")
        body = Data()
        if !encoding.isEmpty {
            guard lengths.isEmpty else { throw .malformed("both length and chunked") }
            let last = encoding.joined(separator: ",").split(separator: ",").last
            let coding = last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard coding.caseInsensitiveEquals("chunked") else {
                throw .notImplemented("unsupported transfer encoding")
            }
            state = .chunkSize
        } else if let length = try Self.contentLength(lengths) {
            if length > limits.maxBodyBytes { throw .bodyTooLarge }
            state = .fixedBody(remaining: length)
            // At most `maxBodyBytes`; its pages become resident only as
            // the bytes arrive.
            body.reserveCapacity(length)
        } else {
            state = .fixedBody(remaining: 0)
        }
        awaitsContinue = (request.headers["Expect"] ?? "").caseInsensitiveEquals("100-continue")
        head = request
    }

    private static func contentLength(_ values: [String]) throws(HTTPParseError) -> Int? {
        guard let first = values.first else { return nil }
        let all = values.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard all.allSatisfy({ $0 == all[0] }), !first.isEmpty,
            all[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), all[0].utf8.count <= 18,
            let length = Int(all[0])
        else { throw .malformed("invalid Content-Length") }
        return length
    }

    // MARK: - Body

    private mutating func readFixed(_ remaining: Int) -> Bool {
        let count = min(remaining, available)
        guard count > 0 || remaining == 0 else { return false }
        appendToBody(count)
        state = .fixedBody(remaining: remaining - count)
        return count > 0
    }

    private mutating func parseChunkSize() throws(HTTPParseError) -> Bool {
        guard let end = find(crlf, from: position) else {
            if available > 1024 { throw .malformed("chunk size line too long") }
            return false
        }
        let line = buffer[position..<end]
        let digits = line.prefix { $0 != 0x3B && $0 != 0x20 && $0 != 0x09 }
        guard !digits.isEmpty, digits.count <= 15,
            let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
        else { throw .malformed("invalid chunk size") }
        position = end + 2
        if body.count + size > limits.maxBodyBytes { throw .bodyTooLarge }
        state = size == 0 ? .trailers(bytes: 0) : .chunkData(remaining: size)
        return true
    }

    private mutating func readChunk(_ remaining: Int) throws(HTTPParseError) -> Bool {
        let count = min(remaining, available)
        guard count > 0 else { return false }
        appendToBody(count)
        state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)
        return true
    }

    private mutating func parseChunkEnd() throws(HTTPParseError) -> Bool {
        guard available >= 2 else { return false }
        guard buffer[position] == 0x0D, buffer[position + 1] == 0x0A else {
            throw .malformed("chunk not followed by CRLF")
        }
        position += 2
        state = .chunkSize
        return true
    }

    private mutating func parseTrailer(_ bytes: Int) throws(HTTPParseError) -> Bool {
        guard let end = find(crlf, from: position) else {
            if bytes + available > limits.maxHeaderBytes { throw .headerTooLarge }
            return false
        }
        let length = end - position
        position = end + 2
        if length == 0 {
            state = .fixedBody(remaining: 0)
        } else {
            if bytes + length > limits.maxHeaderBytes { throw .headerTooLarge }
            state = .trailers(bytes: bytes + length)
        }
        return true
    }

    private mutating func takeIfComplete() -> HTTPRequest? {
        guard case .fixedBody(remaining: 0) = state, var request = head else { return nil }
        request.body = body
        head = nil
        body = Data()
        state = .head
        awaitsContinue = false
        return request
    }

    // MARK: - Bytes

    /// Moves `count` buffered bytes to the body.
    private mutating func appendToBody(_ count: Int) {
        buffer[position..<(position + count)].withUnsafeBufferPointer { body.append($0) }
        position += count
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= pattern.count else { return nil }
        var index = start
        let last = buffer.count - pattern.count
        while index <= last {
            if buffer[index] == pattern[0]
                && buffer[index..<(index + pattern.count)].elementsEqual(pattern)
            {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func split(
        _ text: ArraySlice<UInt8>, on separator: [UInt8]
    )
        -> [ArraySlice<UInt8>]
    {
        var parts: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        var index = text.startIndex
        while index + separator.count <= text.endIndex {
            if text[index..<(index + separator.count)].elementsEqual(separator) {
                parts.append(text[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(text[start..<text.endIndex])
        return parts
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

private let crlf: [UInt8] = [0x0D, 0x0A]
private let crlfcrlf: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
