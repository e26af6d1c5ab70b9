import Foundation
import Glibc
import Synchronization

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

/// What is available on `handle` now (waiting for at least one byte), or
/// empty at its end. Reads the descriptor directly and retries when a
/// signal interrupts the read: Foundation's `availableData` and
/// `readDataToEndOfFile()` crash on `EINTR`, which child processes ending
/// cause in a test process that starts many.
public func readAvailable(_ handle: FileHandle) -> Data {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = buffer.withUnsafeMutableBytes {
            Glibc.read(handle.fileDescriptor, $0.baseAddress, $0.count)
        }
        if count >= 0 { return Data(buffer[0..<count]) }
        if errno != EINTR { return Data() }
    }
}

/// Everything `handle` yields until its end, read as `readAvailable` does.
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    while case let chunk = readAvailable(handle), !chunk.isEmpty { data += chunk }
    return data
}
