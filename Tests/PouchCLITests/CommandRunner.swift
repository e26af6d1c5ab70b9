import Dispatch
import Foundation
import Glibc
import Synchronization
import TestSupport

/// Runs the built `pouch` executable as a child process and captures what
/// it prints and its exit code.
struct CommandRunner: Sendable {
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var errors: String

        /// Standard output split into lines, without the empty last one.
        var lines: [String] { output.split(separator: "\n").map(String.init) }
    }

    /// The `pouch` executable beside the test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = bundle.deletingLastPathComponent()
        if bundle.pathExtension != "xctest" {
            directory = Bundle.main.bundleURL.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("pouch")
    }

    let directory: URL

    /// A runner working in a new temporary directory.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// A path inside the runner's directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `pouch arguments...`, feeding `input` to standard input, with
    /// `environment` added to this process's environment. A process still
    /// running after `timeout` seconds is killed (its status is then -1,
    /// ended by a signal), so a command that never stops fails its test
    /// instead of hanging it.
    ///
    /// The child is awaited on the calling thread, which holds one of
    /// Swift's cooperative threads meanwhile (`onThread` frees it, for a
    /// child that talks to a server inside this test process), so the CLI
    /// tests do not all run their children at once.
    func run(
        _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
        timeout: Double = 300
    ) async throws -> Outcome {
        try runBlocking(arguments, input: input, environment: environment, timeout: timeout)
    }

    /// `run`, awaited on a thread of its own: for a child that needs a
    /// server running in this test process.
    func runOffPool(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> Outcome {
        try await onThread {
            try self.runBlocking(arguments, input: nil, environment: environment, timeout: 300)
        }
    }

    private func runBlocking(
        _ arguments: [String], input: String?, environment: [String: String], timeout: Double
    ) throws -> Outcome {
        let process = try ChildProcess(
            executable: Self.executable.path, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            directory: directory.path, input: .pipe)
        let pid = process.pid
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let input { process.standardInput?.write(Data(input.utf8)) }
        try process.standardInput?.close()
        // Standard error is drained alongside, so a child filling one pipe
        // while the other is read never blocks.
        let errorData = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        let errors = process.standardError
        DispatchQueue.global().async {
            let data = errors.map(readToEnd) ?? Data()
            errorData.withLock { $0 = data }
            drained.signal()
        }
        let outputData = process.standardOutput.map(readToEnd) ?? Data()
        drained.wait()
        process.waitUntilExit()
        return Outcome(
            status: process.exitStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }
}
