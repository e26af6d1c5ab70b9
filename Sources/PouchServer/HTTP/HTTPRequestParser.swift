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

    /// Whether the head of a request is being read (or awaited).
    var isReadingHead: Bool {
        if case .head = state { return true }
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
        guard let (lines, end) = headLines() else {
            if available > limits.maxHeaderBytes { throw .headerTooLarge }
            return false
        }
        if end - position > limits.maxHeaderBytes { throw .headerTooLarge }
        position = end
        var request = try Self.parseHead(lines)
        try startBody(of: &request)
        return true
    }

    /// Skips the empty lines a client may send before a request line
    /// (RFC 9112 section 2.2).
    private mutating func skipLeadingEmptyLines() {
        while available >= 1 {
            if buffer[position] == lf {
                position += 1
            } else if available >= 2, buffer[position] == cr, buffer[position + 1] == lf {
                position += 2
            } else {
                return
            }
        }
    }

    /// The lines of a complete head, without their line ends, and where
    /// the bytes after its empty line start; `nil` while incomplete. A line
    /// ends with CRLF or, as RFC 9112 section 2.2 lets a recipient accept,
    /// a bare LF.
    private func headLines() -> ([ArraySlice<UInt8>], Int)? {
        var lines: [ArraySlice<UInt8>] = []
        var start = position
        while let newline = buffer[start...].firstIndex(of: lf) {
            let line = Self.dropCR(buffer[start..<newline])
            if line.isEmpty { return (lines, newline + 1) }
            lines.append(line)
            start = newline + 1
        }
        return nil
    }

    private static func dropCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == cr ? line.dropLast() : line
    }

    /// Reads the request line and header fields of a head.
    static func parseHead(_ lines: [ArraySlice<UInt8>]) throws(HTTPParseError) -> HTTPRequest {
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        let (method, target, minor) = try parseRequestLine(requestLine)
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
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
            try Self.checkTransferCodings(encoding)
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

    /// Accepts `Transfer-Encoding: chunked` alone: any other coding (such
    /// as `gzip, chunked`) is 501, as RFC 9112 section 6.1 advises for a
    /// coding the server does not implement; `chunked` twice is 400.
    private static func checkTransferCodings(_ values: [String]) throws(HTTPParseError) {
        let codings = values.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard codings.allSatisfy({ $0.caseInsensitiveEquals("chunked") }) else {
            throw .notImplemented("unsupported transfer encoding")
        }
        guard codings.count == 1 else { throw .malformed("chunked applied more than once") }
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
        guard let newline = buffer[position...].firstIndex(of: lf) else {
            if available > 1024 { throw .malformed("chunk size line too long") }
            return false
        }
        let line = Self.dropCR(buffer[position..<newline])
        let digits = line.prefix { $0 != 0x3B && $0 != 0x20 && $0 != 0x09 }
        guard !digits.isEmpty, digits.count <= 15,
            let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
        else { throw .malformed("invalid chunk size") }
        position = newline + 1
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
        guard available >= 1 else { return false }
        if buffer[position] == lf {
            position += 1
        } else {
            guard available >= 2 else { return false }
            guard buffer[position] == cr, buffer[position + 1] == lf else {
                throw .malformed("chunk not followed by CRLF")
            }
            position += 2
        }
        state = .chunkSize
        return true
    }

    private mutating func parseTrailer(_ bytes: Int) throws(HTTPParseError) -> Bool {
        guard let newline = buffer[position...].firstIndex(of: lf) else {
            if bytes + available > limits.maxHeaderBytes { throw .headerTooLarge }
            return false
        }
        let length = Self.dropCR(buffer[position..<newline]).count
        position = newline + 1
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

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

private let cr: UInt8 = 0x0D
private let lf: UInt8 = 0x0A
