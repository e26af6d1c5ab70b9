import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over one keep-alive TCP connection to
/// 127.0.0.1, so the bench measures the server and not a client library.
/// It understands `Content-Length` and `Transfer-Encoding: chunked` answers.
final class RawHTTPClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw BenchError("connect to 127.0.0.1:\(port) failed")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends one request and reads the whole answer: status and body.
    func request(
        _ method: String, _ path: String, body: [UInt8] = []
    ) throws -> (status: Int, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += "Accept: application/json\r\n"
        if !body.isEmpty || method == "POST" || method == "PUT" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        try send(Array((head + "\r\n").utf8) + body)
        return try readResponse()
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw BenchError("send failed") }
            offset += sent
        }
    }

    private func readResponse() throws -> (status: Int, body: [UInt8]) {
        let headText = try readHead()
        let lines = headText.split(separator: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var length: Int? = nil
        var chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased()
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding", value.lowercased() == "chunked" { chunked = true }
        }
        if chunked { return (status, try readChunked()) }
        return (status, try readExactly(length ?? 0))
    }

    private func readHead() throws -> String {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 4
                return text
            }
            try fill()
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = find([13, 10]) {
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 2
                return text
            }
            try fill()
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try readLine().split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16)
            else { throw BenchError("bad chunk size") }
            if size == 0 {
                _ = try readLine()
                return body
            }
            body += try readExactly(size)
            _ = try readLine()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count - start < count { try fill() }
        let bytes = Array(buffer[start..<start + count])
        start += count
        return bytes
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count - start >= pattern.count else { return nil }
        var index = start
        let last = buffer.count - pattern.count
        while index <= last {
            if buffer[index] == pattern[0] && buffer[index + 1] == pattern[1]
                && (pattern.count == 2
                    || (buffer[index + 2] == pattern[2]
                        && buffer[index + 3] == pattern[3]))
            {
                return index
            }
            index += 1
        }
        return nil
    }

    private func fill() throws {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw BenchError("connection closed") }
        buffer += chunk[0..<received]
    }
}

/// Runs blocking work on its own thread, so it never holds one of the
/// few cooperative threads the in-process server's handlers need.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
