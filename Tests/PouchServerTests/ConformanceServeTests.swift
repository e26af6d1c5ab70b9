import Foundation
import TestSupport
import Testing

/// Keeps a server running for the CouchDB conformance harness
/// (`couchdiff.py`), only when `POUCH_SERVE_SECONDS` is set: the port is
/// written to the file `POUCH_SERVE_PORT_FILE` names.
@Suite struct ConformanceServeTests {
    static let seconds = ProcessInfo.processInfo.environment["POUCH_SERVE_SECONDS"]
        .flatMap { Int($0) }

    @Test(.enabled(if: seconds != nil)) func serveForTheConformanceHarness() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let portFile =
            ProcessInfo.processInfo.environment["POUCH_SERVE_PORT_FILE"]
            ?? "/tmp/pouch-serve-port"
        try String(server.port).write(toFile: portFile, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(Self.seconds ?? 0))
    }
}
