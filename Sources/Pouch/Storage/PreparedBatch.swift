import Dispatch

/// The documents of a large bulk write, validated, serialised and hashed
/// on dispatch threads in chunks, so the writer stores the first chunks
/// while later ones are still being prepared (all in one transaction).
final class PreparedBatch: @unchecked Sendable {
    // Guarded by `ready`: slot `i` of `slots` is written once, before
    // `ready[i]` is signalled, and read only after waiting on it.
    private let slots: UnsafeMutablePointer<Result<[IncomingDocument], PouchError>?>
    private let ready: [DispatchSemaphore]

    /// The number of chunks.
    var count: Int { ready.count }

    /// Starts preparing `docs` in chunks; `hashing` computes each edit's
    /// revision too (not needed for `new_edits: false`).
    init(_ docs: [JSON], chunkSize: Int, hashing: Bool) {
        let ranges = stride(from: 0, to: docs.count, by: chunkSize).map {
            $0..<min($0 + chunkSize, docs.count)
        }
        slots = .allocate(capacity: ranges.count)
        slots.initialize(repeating: nil, count: ranges.count)
        ready = ranges.map { _ in DispatchSemaphore(value: 0) }
        for (index, range) in ranges.enumerated() {
            DispatchQueue.global(qos: .userInitiated).async {
                self.slots[index] = PreparedBatch.prepare(docs[range], hashing: hashing)
                self.ready[index].signal()
            }
        }
    }

    deinit {
        slots.deinitialize(count: ready.count)
        slots.deallocate()
    }

    /// The chunk at `index`, waiting until it is ready; the first invalid
    /// document in it is thrown.
    func chunk(_ index: Int) throws(PouchError) -> [IncomingDocument] {
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
