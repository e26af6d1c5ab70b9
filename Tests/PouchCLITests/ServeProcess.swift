import Foundation
import Glibc
import TestSupport

/// A `pouch serve` child process: started with given arguments, its first
/// line of standard output read, stopped by a signal of the test's choice.
/// Standard error goes to a file in the runner's directory so a chatty
/// server never blocks on a full pipe. What waits for the child waits on a
/// thread of its own, never on Swift's cooperative pool (which in-process
/// servers of other tests need).
final class ServeProcess: @unchecked Sendable {
    enum Failure: Error {
        case noListeningLine(String)
        case stillRunning
    }

    let process: ChildProcess
    private let errorsPath: String

    /// Starts `pouch serve arguments...` (or another long-running
    /// `command`) in `runner`'s directory, with `environment` added to this
    /// process's environment.
    init(
        _ runner: CommandRunner, _ arguments: [String], environment: [String: String] = [:],
        command: String = "serve"
    ) throws {
        errorsPath = runner.path("serve-\(UUID().uuidString).log")
        try Data().write(to: URL(fileURLWithPath: errorsPath))
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        merged["POUCH_LOG"] = "warning"
        process = try ChildProcess(
            executable: CommandRunner.executable.path, arguments: [command] + arguments,
            environment: merged, directory: runner.directory.path, input: .null,
            output: .pipe, error: .file(errorsPath))
    }

    /// The first line printed on standard output, or `nil` when the process
    /// closed it first.
    func firstLine() async throws -> String? {
        try await onThread { self.readFirstLine() }
    }

    private func readFirstLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            guard let output = process.standardOutput else { return nil }
            let data = readAvailable(output)
            if data.isEmpty { return nil }
            bytes += data
            if let end = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
        }
    }

    /// Reads the listening line and returns the port it names.
    func listeningPort() async throws -> Int {
        try await onThread { try self.readListeningPort() }
    }

    /// `listeningPort()` for code already on a thread of its own.
    func readListeningPort() throws -> Int {
        guard let line = readFirstLine() else { throw Failure.noListeningLine(errors) }
        let prefix = "listening on http://127.0.0.1:"
        guard line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)) else {
            throw Failure.noListeningLine(line)
        }
        return port
    }

    /// What the process wrote to standard error so far.
    var errors: String {
        (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { process.send(signal) }

    /// How the process ended.
    enum Ending: Equatable {
        case exit
        case signal
    }

    /// Waits up to `seconds` for the process to exit and returns how it
    /// ended; kills it and throws when it is still running then.
    @discardableResult
    func waitForExit(seconds: Double = 30) async throws -> Ending {
        try await onThread { try self.blockUntilExit(seconds: seconds) }
    }

    /// `waitForExit(seconds:)` for code already on a thread of its own.
    @discardableResult
    func blockUntilExit(seconds: Double = 30) throws -> Ending {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            send(SIGKILL)
            process.waitUntilExit()
            throw Failure.stillRunning
        }
        return process.wasKilledBySignal ? .signal : .exit
    }

    /// Sends SIGTERM and waits briefly for the exit (a `pouch serve` stops
    /// at once); for `defer` blocks, which cannot await.
    func stop() {
        send(SIGTERM)
        _ = try? blockUntilExit(seconds: 10)
    }

    var status: Int32 { process.exitStatus }
}
