import Foundation
import Pouch
import PouchServer

/// Issue 6's phases: an in-process `PouchServer` on 127.0.0.1, driven by a
/// raw-socket HTTP/1.1 client: `_bulk_docs` in batches of 1,000, single
/// document GETs over one keep-alive connection and over four, and
/// `_changes?include_docs=true`.
enum ServerPhases {
    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let server = try await BenchServer.start(settings, name: "server")
        defer { server.stop() }
        let port = server.port
        let (_, loadSeconds) = try await BenchServer.bulkLoad(
            port, db: "bench", docs: settings.docs)
        var results = [
            PhaseResult(
                name: "server _bulk_docs (1000/batch)", items: settings.docs,
                seconds: loadSeconds)
        ]
        results.append(try await gets(port, docs: settings.docs, connections: 1))
        results.append(try await gets(port, docs: settings.docs, connections: 4))
        results.append(try await changes(port, docs: settings.docs))
        return results
    }

    /// `count` random single-document GETs on each of `connections`
    /// keep-alive connections at once.
    private static func gets(_ port: Int, docs: Int, connections: Int) async throws -> PhaseResult {
        let perConnection = 10_000 / connections
        let (_, seconds) = try await measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        try await onThread {
                            let client = try RawHTTPClient(port: port)
                            for _ in 0..<perConnection {
                                let id = String(format: "person-%08d", Int.random(in: 0..<docs))
                                let (status, _) = try client.request("GET", "/bench/\(id)")
                                guard status == 200 else { throw BenchError("GET \(status)") }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return PhaseResult(
            name: "server GET doc, \(connections) conn", items: perConnection * connections,
            seconds: seconds, unit: "req")
    }

    private static func changes(_ port: Int, docs: Int) async throws -> PhaseResult {
        let (body, seconds) = try await measure {
            try await onThread {
                let client = try RawHTTPClient(port: port)
                let (status, body) = try client.request(
                    "GET", "/bench/_changes?include_docs=true")
                guard status == 200 else { throw BenchError("_changes \(status)") }
                return body
            }
        }
        let count = try JSON(parsing: body)["results"]?.arrayValue?.count ?? 0
        guard count == docs else { throw BenchError("_changes gave \(count) rows") }
        return PhaseResult(
            name: "server _changes include_docs", items: count, seconds: seconds,
            extra: [("mb", String(format: "%.1f", Double(body.count) / 1_048_576))])
    }
}

/// Starting a server and filling its databases over HTTP, shared by the
/// server and replication phases.
enum BenchServer {
    static func start(_ settings: PouchBench.Settings, name: String) async throws -> PouchServer {
        let directory = URL(fileURLWithPath: settings.directory + "/\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = try PouchServer(
            configuration: ServerConfiguration(dataDirectory: directory, host: "127.0.0.1", port: 0)
        )
        try await server.start()
        return server
    }

    /// The request bodies of `_bulk_docs` for `docs` documents, 1,000 a batch.
    static func bulkBodies(docs: Int) -> [[UInt8]] {
        stride(from: 0, to: docs, by: 1000).map { start in
            let batch = BenchDocuments.batch(start..<min(start + 1000, docs))
            let body: JSON = ["docs": .array(batch)]
            return body.serializedBytes()
        }
    }

    /// Creates `db` and posts `docs` documents to it in batches of 1,000;
    /// the time counts only the posts.
    static func bulkLoad(_ port: Int, db: String, docs: Int) async throws -> (Int, Double) {
        let bodies = bulkBodies(docs: docs)
        return try await onThread {
            let client = try RawHTTPClient(port: port)
            let (created, _) = try client.request("PUT", "/\(db)")
            guard created == 201 else { throw BenchError("PUT /\(db) gave \(created)") }
            let start = DispatchTime.now().uptimeNanoseconds
            for body in bodies {
                let (status, _) = try client.request("POST", "/\(db)/_bulk_docs", body: body)
                guard status == 201 else { throw BenchError("_bulk_docs gave \(status)") }
            }
            return (docs, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
}
