import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw TCP client to a 127.0.0.1 port, for tests that must send exactly
/// the bytes they choose (malformed requests, partial requests, pipelining)
/// and read the answers as sent.
public final class LoopbackSocket {
    /// A parsed HTTP answer.
    public struct Response: Sendable {
        public var status: Int
        /// Header fields with lowercased names.
        public var headers: [String: String]
        public var body: Data

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Failure: Error {
        case connect(Int32)
        case closed
        case timedOut
        case malformed(String)
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    /// How long each read waits before `timedOut`: a guard against a hung
    /// server, long enough for a busy machine running every test at once.
    public var timeoutMilliseconds: Int32 = 60_000

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // On failure `deinit` still runs (every property is set) and closes
        // the socket; closing it here too could close a reused descriptor.
        guard result == 0 else { throw Failure.connect(errno) }
    }

    deinit { close(fd) }

    /// Sends the UTF-8 bytes of `text`.
    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Sends `bytes`.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure.closed }
            offset += sent
        }
    }

    /// Reads one complete answer (by `Content-Length`, chunks, or to the
    /// end of the stream).
    public func readResponse(toHead: Bool = false) throws -> Response {
        let headEnd = try readUntil([0x0D, 0x0A, 0x0D, 0x0A])
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure.malformed(head)
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[line[..<colon].lowercased()] = value
        }
        if toHead { return Response(status: status, headers: headers, body: Data()) }
        let body = try readBody(headers)
        return Response(status: status, headers: headers, body: body)
    }

    /// Whether the server has closed the connection (end of stream seen
    /// before `timeoutMilliseconds`).
    public func isClosedByServer() -> Bool {
        do {
            while true { try fill() }
        } catch Failure.closed {
            return true
        } catch {
            return false
        }
    }

    /// Whether bytes (or the end of the stream) arrive within
    /// `milliseconds`; buffered bytes count.
    public func waitReadable(milliseconds: Int32) -> Bool {
        if !buffer.isEmpty { return true }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Reads the next chunk of a chunked body whose head was read with
    /// `readResponse(toHead: true)`; `nil` after the last chunk.
    public func readChunk() throws -> Data? {
        let lineEnd = try readUntil([0x0D, 0x0A])
        let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self)
        buffer.removeFirst(lineEnd + 2)
        guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
            throw Failure.malformed(sizeText)
        }
        while buffer.count < size + 2 { try fill() }
        let chunk = Data(buffer[0..<size])
        buffer.removeFirst(size + 2)
        if size == 0 { return nil }
        return chunk
    }

    private func readBody(_ headers: [String: String]) throws -> Data {
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < length { try fill() }
            let body = Data(buffer[0..<length])
            buffer.removeFirst(length)
            return body
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body = Data()
            while let chunk = try readChunk() { body.append(chunk) }
            return body
        }
        while (try? fill()) != nil {}
        let body = Data(buffer)
        buffer.removeAll()
        return body
    }

    private func readUntil(_ pattern: [UInt8]) throws -> Int {
        var searched = 0
        while true {
            if buffer.count >= pattern.count {
                for index in searched...(buffer.count - pattern.count)
                where buffer[index..<(index + pattern.count)].elementsEqual(pattern) {
                    return index
                }
                searched = buffer.count - pattern.count + 1
            }
            try fill()
        }
    }

    private func fill() throws {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeoutMilliseconds) > 0 else { throw Failure.timedOut }
        var scratch = [UInt8](repeating: 0, count: 65536)
        let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw Failure.closed }
        buffer.append(contentsOf: scratch[0..<count])
    }
}
