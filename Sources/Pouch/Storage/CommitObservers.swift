import Synchronization

/// Who wants to hear of commits: each live changes feed holds a stream
/// that receives the update sequence after every write.
final class CommitObservers: Sendable {
    private let continuations = Mutex<[Int: AsyncStream<Int64>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    /// A stream of update sequences, newest kept when the reader lags;
    /// it ends when the database is destroyed or the stream is dropped.
    func stream() -> AsyncStream<Int64> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream.makeStream(
            of: Int64.self, bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            _ = self?.continuations.withLock { $0.removeValue(forKey: id) }
        }
        continuations.withLock { $0[id] = continuation }
        return stream
    }

    func notify(_ sequence: Int64) {
        let current = continuations.withLock { Array($0.values) }
        for continuation in current { continuation.yield(sequence) }
    }

    func finishAll() {
        let current = continuations.withLock { dictionary in
            defer { dictionary.removeAll() }
            return Array(dictionary.values)
        }
        for continuation in current { continuation.finish() }
    }
}
