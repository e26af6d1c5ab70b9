import Foundation
import Pouch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 for client tests: each test
/// decides what every request is answered with, including answers no real
/// server gives on purpose (malformed JSON, a body cut short, a dropped
/// connection), and afterwards checks what the client sent.
///
/// It listens on a free port (bound as port 0), reads one request per
/// connection, answers with `Connection: close` and closes, so every
/// request arrives on a fresh connection.
///
/// ```swift
/// let server = try StubHTTPServer { request in .json(200, ["ok": true]) }
/// defer { server.stop() }
/// ```
public final class StubHTTPServer: Sendable {
    /// Decides the reply to each request.
    public typealias Handler = @Sendable (Request) -> Reply

    /// The port the server listens on.
    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let state = Mutex(State())

    private struct State {
        var requests: [Request] = []
        var connections: Set<Int32> = []
        var isStopped = false
    }

    /// Starts a server that answers each request with `handler`'s reply.
    public init(handler: @escaping Handler) throws {
        let (socket, port) = try Self.listen()
        self.listener = socket
        self.port = port
        self.handler = handler
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Starts a server that answers requests with `script`'s replies in
    /// order, and with a 500 `script_exhausted` error after the last one.
    public convenience init(script: [Reply]) throws {
        let queue = Mutex(script[...])
        try self.init { _ in
            queue.withLock { $0.popFirst() }
                ?? .error(500, "script_exhausted", "no scripted reply left")
        }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `baseURL` followed by `path`, which starts with `/`.
    public func url(_ path: String) -> URL {
        URL(string: baseURL + path)!
    }

    /// Every request received so far, in arrival order.
    public var requests: [Request] {
        state.withLock { $0.requests }
    }

    /// Stops listening and shuts down connections still open.
    ///
    /// Sockets are only shut down here; the thread that owns each one
    /// closes it, under the same lock, so no descriptor number is touched
    /// after the system may have handed it to another socket.
    public func stop() {
        state.withLock { state in
            if state.isStopped { return }
            state.isStopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
        }
    }

    private static func listen() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw StubServerError("socket() failed: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound, Glibc.listen(socket, 64) == 0 else {
            close(socket)
            throw StubServerError("bind/listen on 127.0.0.1 failed: errno \(errno)")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let isOpen = state.withLock { state in
                if state.isStopped { return false }
                state.connections.insert(connection)
                return true
            }
            guard isOpen else {
                close(connection)
                return
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer {
            state.withLock { state in
                state.connections.remove(connection)
                close(connection)
            }
        }
        let channel = StubConnection(socket: connection)
        guard let request = channel.readRequest() else { return }
        state.withLock { $0.requests.append(request) }
        channel.send(handler(request))
    }
}

/// A failure to start the stub server.
public struct StubServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
