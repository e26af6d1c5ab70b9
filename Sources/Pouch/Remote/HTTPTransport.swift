import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs requests on a `URLSession` and turns every way an exchange can fail
/// into a `PouchError`: a dropped connection, a truncated body, a timeout,
/// a cancellation.
///
/// Answers are collected through a session delegate rather than the
/// session's `data(for:)`, so an answer whose body was cut short (headers
/// seen, then an error) can be told apart from no answer at all.
final class HTTPTransport: RequestTransport {
    private let session: URLSession
    private let collector: ResponseCollector
    private let resource: Duration

    /// A transport over a copy of `configuration` that keeps no cookies,
    /// credentials or cache of its own, with `timeouts` applied.
    init(configuration: URLSessionConfiguration, timeouts: RemoteTimeouts) {
        let configuration = configuration.copy() as! URLSessionConfiguration
        configuration.timeoutIntervalForRequest = timeouts.request.timeInterval
        configuration.timeoutIntervalForResource = timeouts.resource.timeInterval
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        configuration.urlCredentialStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        resource = timeouts.resource
        collector = ResponseCollector()
        session = URLSession(configuration: configuration, delegate: collector, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` and waits for the whole answer.
    ///
    /// - Throws: `network_error` when no complete answer arrived, `timeout`
    ///   when none arrived in time, `cancelled` when the task was cancelled.
    func perform(_ request: URLRequest, requestLine: String) async throws -> HTTPResponse {
        if Task.isCancelled { throw PouchError.cancelledRequest(requestLine) }
        let task = session.dataTask(with: request)
        // URLSession on Linux does not enforce `timeoutIntervalForResource`,
        // so the whole exchange gets a deadline of its own.
        // A dispatch timer, not a task: it fires on time even when the
        // cooperative threads are busy. Cancelling it releases its handler.
        let expiry = DispatchSource.makeTimerSource(queue: .global())
        expiry.schedule(deadline: .now() + resource.timeInterval)
        expiry.setEventHandler { [collector] in collector.expire(task) }
        expiry.resume()
        let exchange = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                collector.register(task, continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        expiry.cancel()
        return try exchange.response(requestLine: requestLine)
    }
}

/// What a data task produced: the response head if one arrived, the body
/// bytes received, and the error that ended it, if any.
struct DataTaskExchange: Sendable {
    var response: HTTPURLResponse?
    var body = Data()
    var failure: TransportFailure?
    /// Set when the exchange was given up at its resource deadline.
    var expired = false

    /// The complete answer, or the error that describes what went wrong.
    func response(requestLine: String) throws(PouchError) -> HTTPResponse {
        if let failure { throw error(for: failure, requestLine: requestLine) }
        guard let response else {
            throw PouchError.network("no answer to \(requestLine)")
        }
        // A short body is reported by URLSession as an error; the length is
        // not compared here, since a HEAD answer or a decompressed body
        // rightly differs from `Content-Length`.
        return HTTPResponse(
            status: response.statusCode, headers: headerFields(of: response), body: body,
            requestLine: requestLine)
    }

    private func error(for failure: TransportFailure, requestLine: String) -> PouchError {
        let cause = "URLError \(failure.code.rawValue): \(failure.message)"
        if expired {
            return PouchError.timeout(
                "no answer to \(requestLine) in time", cause: "the answer took too long")
        }
        switch failure.code {
        case .cancelled:
            return PouchError.cancelledRequest(requestLine)
        case .timedOut:
            return PouchError.timeout("no answer to \(requestLine) in time", cause: cause)
        case .httpTooManyRedirects:
            return PouchError.network("too many redirects for \(requestLine)", cause: cause)
        default:
            if response != nil { return truncated(requestLine: requestLine, cause: cause) }
            return PouchError.network(
                "the connection for \(requestLine) failed before any answer", cause: cause)
        }
    }

    private func truncated(requestLine: String, cause: String) -> PouchError {
        let expected = response.map { $0.expectedContentLength } ?? -1
        let size = expected >= 0 ? "\(body.count) of \(expected) bytes" : "\(body.count) bytes"
        return PouchError.network(
            "truncated answer to \(requestLine): the connection closed after \(size)",
            cause: cause)
    }

    private func headerFields(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            guard let name = name as? String, let value = value as? String else { continue }
            headers[name.lowercased()] = value
        }
        return headers
    }
}

/// Why URLSession ended a task: its URL error code and message.
struct TransportFailure: Sendable {
    var code: URLError.Code
    var message: String

    init(_ error: any Error) {
        let error = error as NSError
        let isURLError = error.domain == NSURLErrorDomain
        code = (isURLError ? URLError.Code(rawValue: error.code) : nil) ?? .unknown
        message = error.localizedDescription
    }
}

extension PouchError {
    /// The error for a request given up because its task was cancelled.
    static func cancelledRequest(_ requestLine: String) -> PouchError {
        PouchError(.cancelled, "\(requestLine) was cancelled", status: 0)
    }
}

/// The session delegate: gathers each task's response and body and resumes
/// its waiter when the task completes.
//
// `@unchecked Sendable`: its only state, `pending`, is guarded by a Mutex;
// NSObject keeps the compiler from checking that.
private final class ResponseCollector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var continuation: CheckedContinuation<DataTaskExchange, Never>
        var exchange = DataTaskExchange()
    }

    private let pending = Mutex<[Int: Pending]>([:])

    func register(
        _ task: URLSessionTask, _ continuation: CheckedContinuation<DataTaskExchange, Never>
    ) {
        pending.withLock { $0[task.taskIdentifier] = Pending(continuation: continuation) }
    }

    /// Gives `task` up at its resource deadline, unless it has completed.
    func expire(_ task: URLSessionTask) {
        let isPending = pending.withLock { pending in
            pending[task.taskIdentifier]?.exchange.expired = true
            return pending[task.taskIdentifier] != nil
        }
        if isPending { task.cancel() }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        pending.withLock {
            $0[dataTask.taskIdentifier]?.exchange.response = response as? HTTPURLResponse
        }
        completionHandler(.allow)
    }

    /// Follows a redirect only within the same scheme, host and port, so
    /// credentials and cookies never travel to another server; any other
    /// redirect is answered to the caller as the 3xx it is.
    func urlSession(
        _ session: URLSession, task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        let from = task.originalRequest?.url
        let to = request.url
        let isSameOrigin =
            from?.scheme == to?.scheme && from?.host == to?.host && from?.port == to?.port
        completionHandler(isSameOrigin ? request : nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        pending.withLock { $0[dataTask.taskIdentifier]?.exchange.body.append(data) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?
    ) {
        guard var entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) })
        else { return }
        if let error { entry.exchange.failure = TransportFailure(error) }
        // A redirect answer that is not followed and has no `Location`
        // reaches no `didReceive response`; the task still holds it.
        if entry.exchange.response == nil {
            entry.exchange.response = task.response as? HTTPURLResponse
        }
        entry.continuation.resume(returning: entry.exchange)
    }
}
