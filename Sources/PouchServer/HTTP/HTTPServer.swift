import Dispatch
import Foundation
import Pouch
import Synchronization

/// An HTTP/1.1 server on a POSIX socket: one thread accepts, one thread per
/// connection reads requests and writes answers, and the async handler runs
/// on Swift's concurrency pool.
///
/// Connections are kept alive between requests, request bodies may be sent
/// with a length or chunked, answers may stream in chunks. A malformed
/// request is answered 400 and its connection closed; a silent client is
/// dropped after `limits.idleTimeout`, one slow to send its head after
/// `limits.headTimeout`; other connections carry on. The accept loop never
/// waits for a free slot: at `limits.maxConnections` it closes the idlest
/// connection, or answers the new one 503.
package final class HTTPServer: Sendable {
    /// Answers one request.
    package typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    private struct State {
        var listener: Int32 = -1
        var port = 0
        var isStopping = false
        var isStarted = false
        var connections: [Int32: Task<Void, Never>?] = [:]
        /// The connections waiting for a next request with nothing of it
        /// received, and since when.
        var idleSince: [Int32: ContinuousClock.Instant] = [:]
    }

    /// What becomes of a newly accepted connection.
    private enum Admission {
        case admitted
        case busy
        case stopping
    }

    let host: String
    let requestedPort: Int
    let limits: HTTPLimits
    let handler: Handler
    private let state = Mutex(State())
    private let acceptFinished = DispatchSemaphore(value: 0)

    package init(host: String, port: Int, limits: HTTPLimits, handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.limits = limits
        self.handler = handler
    }

    /// The port listened on; meaningful after `start()`.
    package var port: Int { state.withLock { $0.port } }

    var isStopping: Bool { state.withLock { $0.isStopping } }

    /// How many connections are open, and how many of them idle.
    var connectionCounts: (open: Int, idle: Int) {
        state.withLock { ($0.connections.count, $0.idleSince.count) }
    }

    /// Binds and starts accepting connections.
    package func start() throws {
        let listener = try Socket.listen(host: host, port: requestedPort)
        let port = Socket.localPort(listener)
        let alreadyStarted = state.withLock { state -> Bool in
            guard !state.isStarted else { return true }
            state.isStarted = true
            state.listener = listener
            state.port = port
            return false
        }
        if alreadyStarted {
            Socket.close(listener)
            return
        }
        Thread.detachNewThread { [self] in acceptLoop(listener) }
    }

    /// Stops accepting, closes every connection and cancels the handlers
    /// still running. Returns once the listening socket is closed.
    package func stop() {
        let (listener, wasRunning) = state.withLock { state -> (Int32, Bool) in
            let running = state.isStarted && !state.isStopping
            state.isStopping = true
            for (fd, task) in state.connections {
                Socket.shutdownBoth(fd)
                task?.cancel()
            }
            return (state.listener, running)
        }
        guard wasRunning else { return }
        Socket.shutdownBoth(listener)
        acceptFinished.wait()
        Socket.close(listener)
        waitForConnectionsToClose()
    }

    private func waitForConnectionsToClose() {
        for _ in 0..<400 where state.withLock({ !$0.connections.isEmpty }) {
            usleep(5000)
        }
    }

    private func acceptLoop(_ listener: Int32) {
        defer { acceptFinished.signal() }
        while !isStopping {
            guard Socket.waitReadable(listener, milliseconds: 250) else { continue }
            if isStopping { return }
            guard let fd = Socket.accept(listener) else { continue }
            switch admit(fd) {
            case .stopping:
                Socket.close(fd)
                return
            case .busy:
                Logger("server").info("refused a connection: \(limits.maxConnections) open")
                Socket.sendOnce(fd, Self.busyAnswer)
                Socket.close(fd)
            case .admitted:
                Thread.detachNewThread { [self] in
                    HTTPConnection(fd: fd, server: self).run()
                }
            }
        }
    }

    /// Registers `fd`; at the connection limit, first closes the connection
    /// idle the longest, or answers `.busy` when none is idle.
    private func admit(_ fd: Int32) -> Admission {
        state.withLock { state in
            guard !state.isStopping else { return .stopping }
            if state.connections.count >= limits.maxConnections {
                guard let idlest = state.idleSince.min(by: { $0.value < $1.value })?.key else {
                    return .busy
                }
                // Still registered, so not closed yet: shutting it down
                // wakes its thread, which unregisters and closes it.
                state.idleSince[idlest] = nil
                Socket.shutdownBoth(idlest)
            }
            state.connections[fd] = .some(nil)
            // Nothing received yet: idle until its thread reads bytes.
            state.idleSince[fd] = .now
            return .admitted
        }
    }

    /// The answer to a connection over the limit when no connection is idle.
    private static let busyAnswer: [UInt8] = {
        let body =
            #"{"error":"service_unavailable","reason":"The server is serving as many "#
            + #"connections as it can; try again later."}"# + "\n"
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Retry-After: 1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }()

    /// Marks a connection as waiting for a request with nothing of it
    /// received (`true`), or as busy, so the accept loop may close it
    /// to make room.
    func setIdle(_ fd: Int32, _ idle: Bool) {
        state.withLock { state in
            guard state.connections[fd] != nil else { return }
            if !idle {
                state.idleSince[fd] = nil
            } else if state.idleSince[fd] == nil {
                state.idleSince[fd] = .now
            }
        }
    }

    /// Records the handler task of a connection so `stop()` can cancel it.
    func setTask(_ task: Task<Void, Never>?, for fd: Int32) {
        let stopping = state.withLock { state -> Bool in
            if state.connections[fd] != nil { state.connections[fd] = .some(task) }
            return state.isStopping
        }
        if stopping { task?.cancel() }
    }

    /// Forgets a finished connection and closes its socket.
    func unregister(_ fd: Int32) {
        state.withLock { state in
            state.connections[fd] = nil
            state.idleSince[fd] = nil
        }
        Socket.close(fd)
    }
}
