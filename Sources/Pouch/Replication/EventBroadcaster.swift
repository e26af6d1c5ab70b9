import Synchronization

/// Hands each event to every current subscriber's `AsyncStream`; once
/// finished, a new subscriber gets the last event and the end.
final class EventBroadcaster<Element: Sendable>: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<Element>.Continuation] = [:]
        var nextKey = 0
        var last: Element?
        var isFinished = false
    }

    private let state = Mutex(State())
    private let bufferLimit: Int

    init(bufferLimit: Int = 1024) {
        self.bufferLimit = bufferLimit
    }

    /// A new stream of the events from now on.
    func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Element.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        let key: Int? = state.withLock { state in
            guard !state.isFinished else { return nil }
            defer { state.nextKey += 1 }
            state.subscribers[state.nextKey] = continuation
            return state.nextKey
        }
        guard let key else {
            if let last = state.withLock({ $0.last }) { continuation.yield(last) }
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    /// Sends `event` to every subscriber.
    func yield(_ event: Element) {
        let subscribers = state.withLock { state in
            state.isFinished ? [] : Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Sends `event` as the last one and ends every stream.
    func finish(with event: Element) {
        let subscribers = state.withLock { state in
            guard !state.isFinished else { return [AsyncStream<Element>.Continuation]() }
            state.isFinished = true
            state.last = event
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers {
            subscriber.yield(event)
            subscriber.finish()
        }
    }
}
