import Dispatch
import Foundation
import Synchronization

/// The reader connections of a file database, each behind its own lock.
///
/// A short read (one document, a revs diff) runs on the calling thread,
/// which costs less than a hop to another thread; a long one (a scan) is
/// moved to a dispatch thread first so it never holds a cooperative thread.
final class ReaderPool: Sendable {
    private let readers: [LockedReader]
    private let next = Atomic<Int>(0)

    init(_ stores: [DocumentStore]) {
        readers = stores.map(LockedReader.init)
    }

    /// Runs `work` on an idle reader, or waits for one.
    func withReader<T: Sendable>(_ work: (DocumentStore) throws -> T) throws -> T {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<readers.count {
            let reader = readers[(start &+ offset) % readers.count]
            if reader.lock.try() {
                defer { reader.lock.unlock() }
                return try work(reader.store)
            }
        }
        let reader = readers[start % readers.count]
        reader.lock.lock()
        defer { reader.lock.unlock() }
        return try work(reader.store)
    }

    /// Runs `work` on a reader from a dispatch thread.
    func offloaded<T: Sendable>(
        _ work: @escaping @Sendable (DocumentStore) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.withReader(work) })
            }
        }
    }
}

/// One reader connection and the lock that confines it.
private final class LockedReader: @unchecked Sendable {
    // Guarded by `lock`: `store` is used only while it is held.
    let lock = NSLock()
    let store: DocumentStore

    init(_ store: DocumentStore) {
        self.store = store
    }
}
