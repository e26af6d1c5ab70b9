import Foundation

/// Runs blocking work (raw socket I/O, waits) on a thread of its own and
/// returns its result, so that the Swift concurrency pool stays free for
/// the server under test.
public func onThread<T: Sendable>(
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}
