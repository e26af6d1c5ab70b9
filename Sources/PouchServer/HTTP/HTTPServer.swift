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
/// dropped after `limits.idleTimeout`; other connections carry on.
package final class HTTPServer: Sendable {
    /// Answers one request.
    package typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    private struct State {
        var listener: Int32 = -1
        var port = 0
        var isStopping = false
        var isStarted = false
        var connections: [Int32: Task<Void, Never>?] = [:]
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
            if state.withLock({ $0.connections.count >= limits.maxConnections }) {
                usleep(10000)
                continue
            }
            guard let fd = Socket.accept(listener) else { continue }
            guard register(fd) else {
                Socket.close(fd)
                return
            }
            Thread.detachNewThread { [self] in
                HTTPConnection(fd: fd, server: self).run()
            }
        }
    }

    private func register(_ fd: Int32) -> Bool {
        state.withLock { state in
            guard !state.isStopping else { return false }
            state.connections[fd] = .some(nil)
            return true
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
        state.withLock { _ = $0.connections.removeValue(forKey: fd) }
        Socket.close(fd)
    }
}
