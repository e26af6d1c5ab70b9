import Foundation
import Glibc

/// A `pouch serve` child process: started with given arguments, its first
/// line of standard output read, stopped by a signal of the test's choice.
/// Standard error goes to a file in the runner's directory so a chatty
/// server never blocks on a full pipe.
final class ServeProcess {
    enum Failure: Error {
        case noListeningLine(String)
        case stillRunning
    }

    let process = Process()
    private let output = Pipe()
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
        process.executableURL = CommandRunner.executable
        process.arguments = [command] + arguments
        process.currentDirectoryURL = runner.directory
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        merged["POUCH_LOG"] = "warning"
        process.environment = merged
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errorsPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The first line printed on standard output, or `nil` when the process
    /// closed it first.
    func firstLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            bytes += data
            if let end = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
        }
    }

    /// Reads the listening line and returns the port it names.
    func listeningPort() throws -> Int {
        guard let line = firstLine() else { throw Failure.noListeningLine(errors) }
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
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits up to `seconds` for the process to exit and returns its status;
    /// kills it and throws when it is still running then.
    func waitForExit(seconds: Double = 30) throws -> Process.TerminationReason {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            send(SIGKILL)
            process.waitUntilExit()
            throw Failure.stillRunning
        }
        process.waitUntilExit()
        return process.terminationReason
    }

    var status: Int32 { process.terminationStatus }
}
