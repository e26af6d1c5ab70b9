import Foundation
import Pouch
import Synchronization

/// The client side of one replication phase, run as a child process of
/// `pouch-bench` (`pouch-bench replication-client ...`) so its peak
/// resident memory (`VmHWM` at the end) is the replicating client's alone:
/// neither the server nor the floors' buffers count.
///
/// It prints one JSON line: `seconds` (from opening both peers to the
/// end), `docs_written`, `peak_rss_mb` and `stages` (where the time went,
/// from the replicator's debug log).
enum ReplicationClient {
    struct Job: Sendable {
        var direction: String
        var port: Int
        var database: String
        var file: String
        var batchSize: Int?

        var arguments: [String] {
            ["replication-client", direction, String(port), database, file]
                + (batchSize.map { [String($0)] } ?? [])
        }

        init(direction: String, port: Int, database: String, file: String, batchSize: Int?) {
            self.direction = direction
            self.port = port
            self.database = database
            self.file = file
            self.batchSize = batchSize
        }

        /// The job from `arguments` after `replication-client`.
        init(parsing arguments: [String]) throws {
            guard arguments.count >= 4, ["pull", "push"].contains(arguments[0]),
                let port = Int(arguments[1])
            else { throw BenchError("replication-client pull|push PORT DB FILE [BATCH]") }
            self.init(
                direction: arguments[0], port: port, database: arguments[2], file: arguments[3],
                batchSize: arguments.count > 4 ? Int(arguments[4]) : nil)
        }
    }

    /// Runs `job` in this process and prints its JSON line.
    static func run(_ job: Job) async throws {
        let stages = Mutex("")
        Log.setHandler { record in
            if record.message.hasPrefix("replication timings: ") {
                stages.withLock { $0 = String(record.message.dropFirst(21)) }
            }
        }
        Log.level = .debug
        var options = ReplicationOptions()
        if let size = job.batchSize { options.batchSize = size }
        let url = URL(string: "http://127.0.0.1:\(job.port)/\(job.database)")!
        let sampler = MemorySampler()
        let (result, seconds) = try await measure {
            let local = try Database(path: job.file)
            let remote = RemoteDatabase(url: url)
            let pull = job.direction == "pull"
            return try await Replication(
                source: pull ? remote : local, target: pull ? local : remote, options: options
            ).run()
        }
        let (anon, file) = sampler.stop()
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let cpu =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let line: JSON = [
            "cpu_seconds": .double(cpu),
            "peak_anon_mb": .double(Double(anon) / 1_048_576),
            "peak_file_mb": .double(Double(file) / 1_048_576),
            "seconds": .double(seconds), "docs_written": .int(Int64(result.docsWritten)),
            "batch_size": .int(Int64(options.batchSize)),
            "peak_rss_mb": .double(Double(ProcessMemory.peak()) / 1_048_576),
            "stages": .string(stages.withLock { $0 }),
        ]
        print(line.serialized())
    }

    /// Runs `job` in a child `pouch-bench` and reads its JSON line.
    static func spawn(_ job: Job) async throws -> JSON {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            .resolvingSymlinksInPath()
        process.arguments = job.arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = try await onThread { output.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("replication-client \(job.direction) exited with failure")
        }
        return try JSON(parsing: Array(data))
    }
}

/// Samples the process's anonymous and file-backed resident memory
/// (`RssAnon`, `RssFile`) every 10 ms on a thread of its own and keeps
/// each one's peak, so a peak can be told apart into heap and mapped file
/// pages (SQLite maps the database file).
final class MemorySampler: Sendable {
    private let peaks = Mutex((anon: 0, file: 0, running: true))

    init() {
        Thread.detachNewThread { [self] in
            while sample() { usleep(10_000) }
        }
    }

    /// Stops sampling and returns the peaks, in bytes.
    func stop() -> (anon: Int, file: Int) {
        _ = sample()
        return peaks.withLock { peaks in
            peaks.running = false
            return (peaks.anon, peaks.file)
        }
    }

    private func sample() -> Bool {
        let anon = ProcessMemory.field("RssAnon:")
        let file = ProcessMemory.field("RssFile:")
        return peaks.withLock { peaks in
            peaks.anon = max(peaks.anon, anon)
            peaks.file = max(peaks.file, file)
            return peaks.running
        }
    }
}
