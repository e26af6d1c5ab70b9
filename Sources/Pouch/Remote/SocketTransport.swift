import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Runs `http://` requests on plain TCP sockets with keep-alive, as
/// CouchDB's HTTP API expects of a client, instead of on a `URLSession`:
/// on Linux every URLSession exchange goes through libcurl and several
/// dispatch hops, which costs replication more CPU than the server's own
/// work. Errors are the same `PouchError`s `HTTPTransport` gives.
///
/// Each request runs blocking on a thread of its own (never a cooperative
/// or dispatch one); cancelling the task shuts its socket down. Redirects are followed
/// only within the same scheme, host and port.
// Limitation: no proxy support; `HTTPClient` uses it only when no proxy is
// configured (see `isUsable`), and URLSession for `https://`.
final class SocketTransport: RequestTransport {
    private let idle = Mutex<[String: [SocketConnection]]>([:])
    private let resourceTimeout: TimeInterval
    private static let maximumIdle = 8
    private static let maximumRedirects = 5

    init(timeouts: RemoteTimeouts) {
        resourceTimeout = timeouts.resource.timeInterval
    }

    /// Whether requests to `url` can go over sockets: plain HTTP, with no
    /// proxy in `configuration` or in the environment.
    static func isUsable(for url: String, configuration: URLSessionConfiguration) -> Bool {
        guard url.lowercased().hasPrefix("http://") else { return false }
        if let proxies = configuration.connectionProxyDictionary, !proxies.isEmpty { return false }
        let environment = ProcessInfo.processInfo.environment
        let proxyVariables = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        return !proxyVariables.contains { !(environment[$0] ?? "").isEmpty }
    }

    /// Sends `request` and waits for the whole answer, following redirects
    /// within the same origin.
    func perform(_ request: URLRequest, requestLine: String) async throws -> HTTPResponse {
        var current = request
        for _ in 0...Self.maximumRedirects {
            if Task.isCancelled { throw PouchError.cancelledRequest(requestLine) }
            let target = try SocketTarget(current, requestLine: requestLine)
            let response = try await exchange(current, target, requestLine)
            guard let next = target.redirect(current, response) else { return response }
            current = next
        }
        throw PouchError.network("too many redirects for \(requestLine)")
    }

    /// One request and answer on a thread of its own.
    private func exchange(
        _ request: URLRequest, _ target: SocketTarget, _ line: String
    ) async throws -> HTTPResponse {
        let call = SocketCall()
        let wire = target.encode(request)
        let timeout = request.timeoutInterval
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // A thread of its own: a blocked dispatch worker would hold
                // back other work (an in-process server's reads) queued there.
                Thread.detachNewThread {
                    continuation.resume(
                        with: Result {
                            try self.run(wire, target, timeout: timeout, call: call, line: line)
                        })
                }
            }
        } onCancel: {
            call.cancel()
        }
    }

    /// Sends and reads on an idle connection or a new one; a reused
    /// connection the server had closed is replaced once.
    private func run(
        _ wire: [UInt8], _ target: SocketTarget, timeout: TimeInterval, call: SocketCall,
        line: String
    ) throws -> HTTPResponse {
        let deadline = Date().addingTimeInterval(resourceTimeout)
        var mayReuse = true
        while true {
            let pooled = mayReuse ? takeIdle(target.origin) : nil
            do {
                let connection =
                    try pooled
                    ?? SocketConnection.connect(
                        host: target.host, port: target.port, timeout: timeout)
                SocketConnection.setTimeout(connection.descriptor, timeout)
                guard call.attach(connection.descriptor) else {
                    throw PouchError.cancelledRequest(line)
                }
                let answer: SocketAnswer
                do {
                    defer { call.detach() }
                    answer = try SocketReader.exchange(
                        connection, wire, isHead: target.isHead, deadline: deadline)
                }
                if answer.keepAlive, !connection.hasBufferedBytes { giveBack(connection, target) }
                return HTTPResponse(
                    status: answer.status, headers: answer.headers, body: Data(answer.body),
                    requestLine: line)
            } catch SocketConnection.Failure.noAnswer where pooled != nil && !call.isCancelled {
                mayReuse = false
            } catch let failure as SocketConnection.Failure {
                if call.isCancelled { throw PouchError.cancelledRequest(line) }
                throw Self.error(failure, line)
            }
        }
    }

    private static func error(_ failure: SocketConnection.Failure, _ line: String) -> PouchError {
        switch failure {
        case .noAnswer(let cause):
            return PouchError.network(
                "the connection for \(line) failed before any answer", cause: cause)
        case .timedOut(let cause):
            return PouchError.timeout("no answer to \(line) in time", cause: cause)
        case .truncated(let received, let expected, let cause):
            let size = expected.map { "\(received) of \($0) bytes" } ?? "\(received) bytes"
            return PouchError.network(
                "truncated answer to \(line): the connection closed after \(size)", cause: cause)
        }
    }

    private func takeIdle(_ origin: String) -> SocketConnection? {
        idle.withLock { $0[origin]?.popLast() }
    }

    private func giveBack(_ connection: SocketConnection, _ target: SocketTarget) {
        idle.withLock { pool in
            if pool[target.origin, default: []].count < Self.maximumIdle {
                pool[target.origin, default: []].append(connection)
            }
        }
    }
}

/// The transport `HTTPClient` sends requests through.
protocol RequestTransport: Sendable {
    func perform(_ request: URLRequest, requestLine: String) async throws -> HTTPResponse
}

/// The socket of one request in flight, so cancelling can shut it down
/// from another thread.
final class SocketCall: Sendable {
    private let state = Mutex<(descriptor: Int32?, cancelled: Bool)>((nil, false))

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Records the socket in use; `false` when already cancelled.
    func attach(_ descriptor: Int32) -> Bool {
        state.withLock { state in
            state.descriptor = descriptor
            return !state.cancelled
        }
    }

    func detach() {
        state.withLock { $0.descriptor = nil }
    }

    /// Marks the call cancelled and wakes its blocked read or write.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if let descriptor = state.descriptor { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }
}
