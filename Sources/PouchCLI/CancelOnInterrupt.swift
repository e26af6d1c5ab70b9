import Dispatch
import Glibc

/// Calls `action` once on SIGINT or SIGTERM, so long work stops cleanly
/// (a replication keeps its checkpoint).
// The dispatch sources are created in `init` and only cancelled after;
// DispatchSource is thread-safe.
final class CancelOnInterrupt: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ action: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    /// Stops listening and restores the default signal handling.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
