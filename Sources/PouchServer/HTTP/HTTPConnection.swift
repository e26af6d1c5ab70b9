import Dispatch
import Foundation
import Pouch
import Synchronization

/// One client connection, served on its own thread: reads requests in
/// order, runs the server's handler for each and writes the answers.
struct HTTPConnection {
    let fd: Int32
    let server: HTTPServer

    private var timeoutMilliseconds: Int32 { Self.milliseconds(server.limits.idleTimeout) }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(total, 1))
    }

    /// Serves requests until the client closes, asks to close, times out,
    /// sends something unreadable, or the server stops.
    func run() {
        defer { server.unregister(fd) }
        var parser = HTTPRequestParser(limits: server.limits)
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        // The first request's head is due `headTimeout` after the opening.
        var headStart: ContinuousClock.Instant? = .now
        while !server.isStopping {
            do {
                guard let request = try nextRequest(&parser, &scratch, &headStart) else { return }
                guard respond(to: request) else { return }
                headStart = nil
            } catch {
                if let error = error as? HTTPParseError { refuse(error.error) }
                return
            }
        }
    }

    /// The next request; `nil` when the client closed or went quiet between
    /// requests. Throws a parse error, or a timeout in mid-request.
    private func nextRequest(
        _ parser: inout HTTPRequestParser, _ scratch: inout [UInt8],
        _ headStart: inout ContinuousClock.Instant?
    ) throws -> HTTPRequest? {
        var sentContinue = false
        while true {
            if let request = try parser.next() { return request }
            if parser.awaitsContinue && !sentContinue {
                sentContinue = true
                try write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            if headStart == nil && !parser.isIdle { headStart = .now }
            guard try waitForBytes(parser, headStart) else { return nil }
            let count = Socket.read(fd, into: &scratch)
            guard count > 0 else { return nil }
            parser.append(scratch[0..<count])
        }
    }

    /// Waits until bytes arrive: true when they do, false when the client
    /// stayed silent between requests; throws 408 when a request was
    /// begun but its head (or its body) is overdue.
    ///
    /// Limitation: a body has no overall deadline, only `idleTimeout`
    /// between reads, so a client trickling its body keeps its connection
    /// until the body is complete or over `maxBodyBytes`.
    private func waitForBytes(
        _ parser: HTTPRequestParser, _ headStart: ContinuousClock.Instant?
    ) throws -> Bool {
        var wait = timeoutMilliseconds
        if parser.isReadingHead, let headStart {
            let remaining = headStart + server.limits.headTimeout - .now
            guard remaining > .zero else { return try overdue(parser) }
            wait = min(wait, Self.milliseconds(remaining))
        }
        server.setIdle(fd, parser.isIdle)
        defer { server.setIdle(fd, false) }
        guard Socket.waitReadable(fd, milliseconds: wait) else { return try overdue(parser) }
        return true
    }

    private func overdue(_ parser: HTTPRequestParser) throws -> Bool {
        if parser.isIdle { return false }
        throw HTTPParseError(
            error: PouchError(.timeout, "request not received in time", status: 408))
    }

    /// Answers a request; false when the connection must close afterwards.
    private func respond(to request: HTTPRequest) -> Bool {
        let handler = server.handler
        let response = runAndWait { await handler(request) }
        let keepAlive = request.wantsKeepAlive && !server.isStopping
        let isHead = request.method == "HEAD"
        do {
            switch response.body {
            case .bytes(let data):
                let head = ResponseHead(response, request: request, keepAlive: keepAlive)
                try write(head.bytes(contentLength: data.count))
                if !isHead { try write(data) }
                return keepAlive
            case .stream(let produce):
                return try stream(response, request: request, keepAlive: keepAlive, produce)
            }
        } catch {
            return false
        }
    }

    private func stream(
        _ response: HTTPResponse, request: HTTPRequest, keepAlive: Bool,
        _ produce: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) throws -> Bool {
        let chunked = request.minorVersion >= 1
        let head = ResponseHead(response, request: request, keepAlive: keepAlive && chunked)
        try write(head.bytes(contentLength: nil, chunked: chunked))
        if request.method == "HEAD" { return keepAlive && chunked }
        let writer = SocketBodyWriter(fd: fd, chunked: chunked, timeout: timeoutMilliseconds)
        let succeeded = runAndWait {
            do {
                try await produce(writer)
                return true
            } catch {
                return false
            }
        }
        guard succeeded, chunked else { return false }
        try write(Array("0\r\n\r\n".utf8))
        return keepAlive
    }

    /// Answers a request that could not be read, then the connection closes.
    private func refuse(_ error: PouchError) {
        Logger("server").debug("refused request: \(error.status) \(error.reason)")
        let response = HTTPResponse.error(error)
        let request = HTTPRequest(method: "GET", target: "/")
        let head = ResponseHead(response, request: request, keepAlive: false)
        guard case .bytes(let data) = response.body else { return }
        try? write(head.bytes(contentLength: data.count))
        try? write(data)
        discardUntilClosed()
    }

    /// After refusing a request whose body is still arriving (a 413, say):
    /// ends the answer, then reads and drops what the client still sends,
    /// for a few seconds at most. Closing at once would make the kernel
    /// reset the connection, and a client still writing its body would see
    /// the reset instead of the answer.
    private func discardUntilClosed() {
        Socket.shutdownWrite(fd)
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        let deadline = ContinuousClock.now + Self.lingerAfterRefusal
        while case let remaining = deadline - .now, remaining > .zero,
            Socket.waitReadable(fd, milliseconds: Self.milliseconds(remaining)),
            Socket.read(fd, into: &scratch) > 0
        {}
    }

    /// How long a refused request's remaining bytes are read and dropped.
    static let lingerAfterRefusal = Duration.seconds(5)

    /// Runs async work from this connection's thread and waits for it; the
    /// server can cancel it on stop.
    private func runAndWait<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            box.set(await operation())
            done.signal()
        }
        server.setTask(task, for: fd)
        done.wait()
        server.setTask(nil, for: fd)
        return box.take()
    }

    private func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
        try bytes.withUnsafeBytes {
            try Socket.sendAll(fd, $0, timeoutMilliseconds: timeoutMilliseconds)
        }
    }
}

/// A value handed from a task to the thread waiting for it.
private final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)

    func set(_ newValue: T) { value.withLock { $0 = newValue } }
    func take() -> T { value.withLock { $0! } }
}

/// Writes a streamed body straight to the socket, one chunk per write.
private struct SocketBodyWriter: ResponseBodyWriter {
    let fd: Int32
    let chunked: Bool
    let timeout: Int32

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        var frame: [UInt8] = []
        if chunked { frame.append(contentsOf: Array("\(String(bytes.count, radix: 16))\r\n".utf8)) }
        frame.append(contentsOf: bytes)
        if chunked { frame.append(contentsOf: [0x0D, 0x0A]) }
        try frame.withUnsafeBytes { try Socket.sendAll(fd, $0, timeoutMilliseconds: timeout) }
    }
}
