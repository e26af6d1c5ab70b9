import Dispatch
import Foundation
import Synchronization

/// The documents of a large bulk write, validated, serialised and hashed
/// on dispatch threads in chunks, so the writer stores the first chunks
/// while later ones are still being prepared (all in one transaction).
final class PreparedBatch: @unchecked Sendable {
    // Guarded by `ready`: slot `i` of `slots` is written once, before
    // `ready[i]` is signalled, and read only after waiting on it.
    private let slots: UnsafeMutablePointer<Result<[IncomingDocument], PouchError>?>
    private let ready: [DispatchSemaphore]
    /// Per chunk, whether a thread has claimed it; the writer prepares a
    /// chunk nobody has started itself, so it never waits on queued work.
    private let claimed: Mutex<[Bool]>
    private let ranges: [Range<Int>]
    private let docs: [JSON]
    private let hashing: Bool

    /// The number of chunks.
    var count: Int { ready.count }

    /// Starts preparing `docs` in chunks; `hashing` computes each edit's
    /// revision too (not needed for `new_edits: false`).
    init(_ docs: [JSON], chunkSize: Int, hashing: Bool) {
        ranges = stride(from: 0, to: docs.count, by: chunkSize).map {
            $0..<min($0 + chunkSize, docs.count)
        }
        self.docs = docs
        self.hashing = hashing
        slots = .allocate(capacity: ranges.count)
        slots.initialize(repeating: nil, count: ranges.count)
        ready = ranges.map { _ in DispatchSemaphore(value: 0) }
        claimed = Mutex([Bool](repeating: false, count: ranges.count))
        for _ in 0..<min(PreparedBatch.preparers, ranges.count) {
            DispatchQueue.global(qos: .userInitiated).async { self.fillInOrder() }
        }
    }

    /// How many threads prepare chunks: all cores but the writer's, since
    /// the writer is the slower stage and more preparers would only take
    /// turns on its core.
    static let preparers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    /// Prepares, in order, every chunk no other thread has claimed.
    private func fillInOrder() {
        for index in ranges.indices { fill(index) }
    }

    /// Prepares chunk `index` unless another thread has claimed it.
    private func fill(_ index: Int) {
        let isMine = claimed.withLock { flags in
            defer { flags[index] = true }
            return !flags[index]
        }
        guard isMine else { return }
        slots[index] = PreparedBatch.prepare(docs[ranges[index]], hashing: hashing)
        ready[index].signal()
    }

    deinit {
        slots.deinitialize(count: ready.count)
        slots.deallocate()
    }

    /// The chunk at `index`, waiting until it is ready; the first invalid
    /// document in it is thrown.
    func chunk(_ index: Int) throws(PouchError) -> [IncomingDocument] {
        fill(index)
        ready[index].wait()
        ready[index].signal()
        return try slots[index]!.get()
    }

    /// Validates, serialises and hashes documents in order, stopping at
    /// the first invalid one.
    static func prepare(
        _ docs: ArraySlice<JSON>, hashing: Bool
    ) -> Result<[IncomingDocument], PouchError> {
        Result { () throws(PouchError) in
            var prepared: [IncomingDocument] = []
            prepared.reserveCapacity(docs.count)
            for json in docs {
                var doc = try IncomingDocument(json)
                doc.prepare(hashing: hashing)
                prepared.append(doc)
            }
            return prepared
        }
    }
}
