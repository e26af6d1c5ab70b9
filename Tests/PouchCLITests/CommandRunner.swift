import Dispatch
import Foundation
import Glibc

/// Runs the built `pouch` executable as a child process and captures what
/// it prints and its exit code.
struct CommandRunner {
    struct Outcome {
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
    /// running after `timeout` seconds is killed (its status is then 9,
    /// SIGKILL), so a command that never stops fails its test instead of
    /// hanging it.
    func run(
        _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
        timeout: Double = 300
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let output = Pipe()
        let errors = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = inputPipe
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inputPipe.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }
}
