import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a `SocketTransport` request goes: host, port, the path with its
/// query, and the request's bytes on the wire.
struct SocketTarget {
    var host: String
    var port: Int
    /// `host:port`, the key of the idle connections.
    var origin: String
    /// The `Host` header: the URL's host (IPv6 in brackets) and port.
    var hostHeader: String
    /// The percent-encoded path and query.
    var target: String
    var isHead: Bool

    init(_ request: URLRequest, requestLine: String) throws(PouchError) {
        guard let url = request.url,
            let components = URLComponents(url: url, resolvingAgainstBaseURL: true),
            let host = components.host, !host.isEmpty
        else { throw PouchError.badRequest("invalid URL in \(requestLine)") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 80
        origin = "\(self.host):\(port)"
        let bracketed = self.host.contains(":") ? "[\(self.host)]" : self.host
        hostHeader = components.port == nil ? bracketed : "\(bracketed):\(port)"
        let path = components.percentEncodedPath
        target =
            (path.isEmpty ? "/" : path)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        isHead = request.httpMethod == "HEAD"
    }

    /// The request head and body as sent: `Host`, the request's headers,
    /// and `Content-Length` for a body or a method that may carry one.
    func encode(_ request: URLRequest) -> [UInt8] {
        let method = request.httpMethod ?? "GET"
        let body = request.httpBody ?? Data()
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            let lower = name.lowercased()
            if lower == "host" || lower == "content-length" || lower == "connection" { continue }
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty || ["POST", "PUT", "PATCH", "DELETE"].contains(method) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.reserveCapacity(bytes.count + body.count)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The request to follow `response` with when it redirects within the
    /// same scheme, host and port; `nil` to answer it as is.
    func redirect(_ request: URLRequest, _ response: HTTPResponse) -> URLRequest? {
        guard [301, 302, 303, 307, 308].contains(response.status),
            let location = response.header("location"), let base = request.url,
            let next = URL(string: location, relativeTo: base)?.absoluteURL,
            next.scheme?.lowercased() == base.scheme?.lowercased(),
            next.host == base.host, next.port == base.port
        else { return nil }
        var followed = request
        followed.url = next
        if response.status == 303 {
            followed.httpMethod = "GET"
            followed.httpBody = nil
        }
        return followed
    }
}

/// A whole answer read from a socket.
struct SocketAnswer {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    /// Whether the connection may carry another request.
    var keepAlive: Bool
}

/// Reads HTTP/1.1 answers: the status line, headers, and a body framed by
/// `Content-Length`, by chunks, or by the end of the connection.
enum SocketReader {
    /// Sends `wire` and reads its answer. A write that fails may still
    /// leave an answer to read (a server refusing a large body early).
    static func exchange(
        _ connection: SocketConnection, _ wire: [UInt8], isHead: Bool, deadline: Date
    ) throws(SocketConnection.Failure) -> SocketAnswer {
        var sendFailure: SocketConnection.Failure?
        do { try connection.send(wire) } catch { sendFailure = error }
        do {
            var answer = try readHead(connection)
            while answer.status == 100 { answer = try readHead(connection) }
            try readBody(connection, into: &answer, isHead: isHead, deadline: deadline)
            return answer
        } catch {
            if let sendFailure, case .noAnswer = error { throw sendFailure }
            throw error
        }
    }

    private static func readHead(
        _ connection: SocketConnection
    ) throws(SocketConnection.Failure) -> SocketAnswer {
        guard let statusLine = try connection.readLine() else {
            throw .noAnswer("the connection closed")
        }
        let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard parts.count >= 2, let status = Int(String(decoding: parts[1], as: UTF8.self)),
            parts[0].starts(with: Array("HTTP/".utf8))
        else { throw .noAnswer("not an HTTP answer") }
        let isHTTP11 = parts[0].elementsEqual("HTTP/1.1".utf8)
        var headers: [String: String] = [:]
        while true {
            guard let line = try connection.readLine() else {
                throw .noAnswer("the connection closed in the answer's head")
            }
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let connectionHeader = headers["connection"]?.lowercased() ?? ""
        let keepAlive =
            isHTTP11 ? !connectionHeader.contains("close") : connectionHeader.contains("keep-alive")
        return SocketAnswer(status: status, headers: headers, body: [], keepAlive: keepAlive)
    }

    private static func readBody(
        _ connection: SocketConnection, into answer: inout SocketAnswer, isHead: Bool,
        deadline: Date
    ) throws(SocketConnection.Failure) {
        if isHead || answer.status == 204 || answer.status == 304 || answer.status < 200 {
            return
        }
        if answer.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            try readChunks(connection, into: &answer.body, deadline: deadline)
        } else if let text = answer.headers["content-length"], let length = Int(text) {
            answer.body.reserveCapacity(length)
            guard try connection.read(upTo: length, into: &answer.body) else {
                throw .truncated(
                    received: answer.body.count, expected: length, cause: "the connection closed")
            }
        } else {
            try connection.readToEnd(into: &answer.body)
            answer.keepAlive = false
        }
    }

    private static func readChunks(
        _ connection: SocketConnection, into body: inout [UInt8], deadline: Date
    ) throws(SocketConnection.Failure) {
        while true {
            if Date() > deadline { throw .timedOut("the answer took too long") }
            guard let line = try connection.readLine() else {
                throw .truncated(received: body.count, expected: nil, cause: "closed in chunks")
            }
            let sizeText =
                String(decoding: line, as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw .truncated(received: body.count, expected: nil, cause: "bad chunk size")
            }
            if size == 0 {
                while let trailer = try connection.readLine(), !trailer.isEmpty {}
                return
            }
            guard try connection.read(upTo: size, into: &body), try connection.readLine() != nil
            else {
                throw .truncated(received: body.count, expected: nil, cause: "closed in a chunk")
            }
        }
    }
}
