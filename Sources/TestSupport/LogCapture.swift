import Pouch
import Synchronization

/// Every log line of the test process, kept in memory so tests can check
/// what was logged.
///
/// Tests run in parallel and the logging facade is process-wide, so one
/// capture is installed once and never removed; a test picks its own lines
/// out by something only it logs (a port, a unique path).
public enum LogCapture {
    private static let lines = Mutex<[String]>([])
    private static let installed = Mutex(false)
    private static let limit = 50_000

    /// Starts capturing at debug level, once for the whole process.
    public static func start() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            Log.setHandler { record in
                lines.withLock { buffer in
                    if buffer.count >= limit { buffer.removeFirst(buffer.count / 2) }
                    buffer.append("[\(record.subsystem)] \(record.message)")
                }
            }
            Log.level = .debug
        }
    }

    /// The captured lines that contain `marker`.
    public static func lines(containing marker: String) -> [String] {
        lines.withLock { $0.filter { $0.contains(marker) } }
    }
}
