import Pouch

extension StubHTTPServer {
    /// Runs `body` with a `RemoteDatabase` at `/db` of a stub server that
    /// answers with `handler`, and stops the server after.
    public static func withDatabase(
        _ handler: @escaping Handler,
        _ body: (RemoteDatabase, StubHTTPServer) async throws -> Void
    ) async throws {
        try await withDatabase(handler, transport: .automatic, body)
    }

    /// Runs `body` with a `RemoteDatabase` at `/db` of a stub server that
    /// answers with `handler`, sending its requests through `transport`.
    package static func withDatabase(
        _ handler: @escaping Handler, transport: RemoteTransportChoice,
        _ body: (RemoteDatabase, StubHTTPServer) async throws -> Void
    ) async throws {
        let server = try StubHTTPServer(handler: handler)
        defer { server.stop() }
        try await body(RemoteDatabase(url: server.url("/db"), transport: transport), server)
    }
}
