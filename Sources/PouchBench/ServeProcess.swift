import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `pouch serve` child process on 127.0.0.1 with a port it picked itself
/// (`--port 0`), so the bench process holds only the client side and its
/// peak resident memory is the client's.
///
/// The `pouch` executable is looked up next to `pouch-bench` (both are
/// products of the same package, built into the same folder).
final class ServeProcess: Sendable {
    let port: Int
    private let process: Process

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    /// Starts `pouch serve --data DIR --port 0` and waits for its
    /// `listening on http://127.0.0.1:PORT` line.
    static func start(dataDirectory: String) async throws -> ServeProcess {
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = try executable()
        process.arguments = ["serve", "--data", dataDirectory, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["POUCH_LOG"] = "warning"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        let line = try await onThread { try readLine(handle) }
        guard let text = line.split(separator: ":").last, let port = Int(text) else {
            process.terminate()
            throw BenchError("pouch serve said \(line)")
        }
        return ServeProcess(process: process, port: port)
    }

    /// The CPU time the server process has used so far (user and system),
    /// in seconds, from `/proc/PID/stat`.
    func cpuSeconds() -> Double {
        let path = "/proc/\(process.processIdentifier)/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return 0 }
        // After the command in parentheses: state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12])
        else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops the server with SIGTERM, as `pouch serve` expects, and waits.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The `pouch` executable beside this one.
    private static func executable() throws -> URL {
        let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let pouch = bench.deletingLastPathComponent().appendingPathComponent("pouch")
        guard FileManager.default.isExecutableFile(atPath: pouch.path) else {
            throw BenchError(
                "\(pouch.path) not found: build it too (swift build -c release --product pouch)")
        }
        return pouch
    }

    /// The first line the server prints, without its newline.
    private static func readLine(_ handle: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let data = handle.readData(ofLength: 1)
            guard let byte = data.first else {
                throw BenchError("pouch serve exited before listening")
            }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
