import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One accepted connection of the stub server: reads a request, writes a
/// reply.
struct StubConnection {
    let socket: Int32

    /// Reads the request head and its body (by `Content-Length`, or chunked).
    func readRequest() -> StubHTTPServer.Request? {
        var buffer: [UInt8] = []
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard receive(into: &buffer) else { return nil }
            headEnd = buffer.firstRange(of: separator)?.lowerBound
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        var body = Array(buffer[(headEnd + separator.count)...])
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers = lines.dropFirst().compactMap(Self.headerField)
        var request = StubHTTPServer.Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: [])
        if request.header("expect")?.lowercased() == "100-continue" {
            write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if request.header("transfer-encoding")?.lowercased() == "chunked" {
            request.body = readChunked(body)
        } else {
            let length = Int(request.header("content-length") ?? "0") ?? 0
            while body.count < length, receive(into: &body) {}
            request.body = Array(body.prefix(length))
        }
        return request
    }

    /// Writes `reply`.
    func send(_ reply: StubHTTPServer.Reply) {
        switch reply {
        case .response(let status, let headers, let body):
            write(Self.head(status, headers + [("Content-Length", String(body.count))]) + body)
        case .truncated(let status, let declaredLength, let body):
            let headers = [("Content-Type", "application/json")]
            write(Self.head(status, headers + [("Content-Length", String(declaredLength))]) + body)
        case .drop:
            break
        case .delayed(let delay, let reply):
            Thread.sleep(forTimeInterval: Self.seconds(delay))
            send(reply)
        case .chunked(let status, let chunks, let interval):
            let headers = [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]
            write(Self.head(status, headers))
            for chunk in chunks where !chunk.isEmpty {
                Thread.sleep(forTimeInterval: Self.seconds(interval))
                write(Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10])
            }
            write(Array("0\r\n\r\n".utf8))
        }
    }

    private static func head(_ status: Int, _ headers: [(String, String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for (name, value) in headers + [("Connection", "close")] { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    private static func headerField(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return (String(line[..<colon]), value)
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// Decodes a chunked body, reading more until the last chunk.
    private func readChunked(_ initial: [UInt8]) -> [UInt8] {
        var buffer = initial
        var body: [UInt8] = []
        var position = 0
        while true {
            while buffer[position...].firstRange(of: [13, 10]) == nil {
                guard receive(into: &buffer) else { return body }
            }
            let lineEnd = buffer[position...].firstRange(of: [13, 10])!.lowerBound
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
            let size = Int(sizeText.split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { return body }
            let start = lineEnd + 2
            while buffer.count < start + size + 2 {
                guard receive(into: &buffer) else { return body }
            }
            body += buffer[start..<(start + size)]
            position = start + size + 2
        }
    }

    /// Appends what arrives next; `false` at end of stream or on an error.
    private func receive(into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    /// Writes all of `bytes`, ignoring a peer that has gone.
    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { buffer in
                Glibc.send(socket, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return }
            offset += sent
        }
    }
}
