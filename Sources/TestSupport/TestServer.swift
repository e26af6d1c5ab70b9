import Foundation
import Pouch
import PouchServer

/// A `PouchServer` on 127.0.0.1 with a free port over a temporary data
/// directory, for tests; `stop()` stops it and removes the directory.
public final class TestServer: Sendable {
    public let server: PouchServer
    public let directory: URL
    /// The admin's name and password, when one is configured.
    public let admin: ServerConfiguration.Admin?

    /// Starts a server; by default with the admin `admin:admin` over a new
    /// temporary directory.
    public static func start(
        admin: ServerConfiguration.Admin? = .init(name: "admin", password: "admin"),
        users: [ServerUser] = [], limits: HTTPLimits = HTTPLimits(), directory: URL? = nil
    ) async throws -> TestServer {
        let directory =
            directory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-server-\(UUID().uuidString)")
        let configuration = ServerConfiguration(
            dataDirectory: directory, host: "127.0.0.1", port: 0, admin: admin, users: users,
            limits: limits, passwordIterations: 16)
        let server = try PouchServer(configuration: configuration)
        try await server.start()
        return TestServer(server: server, directory: directory, admin: admin)
    }

    private init(server: PouchServer, directory: URL, admin: ServerConfiguration.Admin?) {
        self.server = server
        self.directory = directory
        self.admin = admin
    }

    /// The port listened on.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`, without credentials.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// `http://admin:password@127.0.0.1:PORT`, with the admin's credentials.
    public var adminURL: URL {
        guard let admin else { return url }
        return URL(string: "http://\(admin.name):\(admin.password)@127.0.0.1:\(port)")!
    }

    /// The `Authorization` value of the admin's basic credentials.
    public var adminAuthorization: String? {
        admin.map { "Basic " + Data("\($0.name):\($0.password)".utf8).base64EncodedString() }
    }

    /// Stops the server and removes its data directory.
    public func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the server and keeps its data directory, for a restart.
    public func stopKeepingData() {
        server.stop()
    }

    /// Sends one request on a fresh connection and reads the answer, off
    /// the concurrency pool. `authorization` defaults to the admin's.
    public func request(
        _ method: String, _ target: String, json body: JSON? = nil, raw: [UInt8]? = nil,
        headers: [(String, String)] = [], authorization: String?? = .none
    ) async throws -> LoopbackSocket.Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        let auth = authorization ?? adminAuthorization
        if let auth { head += "Authorization: \(auth)\r\n" }
        let bytes = raw ?? body?.serializedBytes()
        if body != nil { head += "Content-Type: application/json\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let bytes { head += "Content-Length: \(bytes.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + (bytes ?? [])
        let port = self.port
        return try await onThread {
            let socket = try LoopbackSocket(port: port)
            try socket.send(request)
            return try socket.readResponse(toHead: method == "HEAD")
        }
    }
}

extension LoopbackSocket.Response {
    /// The body parsed as JSON.
    public var json: JSON {
        get throws { try JSON(parsing: body) }
    }
}
