import Dispatch

/// A resource (a connection and what is built on it) reached only from one
/// serial dispatch queue, so blocking SQLite calls never run on Swift's
/// cooperative threads.
final class SerialQueue<Resource>: @unchecked Sendable {
    // Guarded by `queue`: `resource` is touched only by work running on it.
    private let resource: Resource
    private let queue: DispatchQueue

    init(label: String, resource: Resource) {
        self.resource = resource
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `work` on the queue and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable (Resource) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work(self.resource) })
            }
        }
    }

    /// Runs `work` on the queue, blocking the caller until it ends.
    func sync<T>(_ work: (Resource) throws -> T) rethrows -> T {
        try queue.sync { try work(resource) }
    }
}
