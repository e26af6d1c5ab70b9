import Foundation
import Pouch

/// Issue 7's phases: pull and push between a `pouch serve` process on
/// 127.0.0.1 and a local file, each against a floor taken in the same run
/// from the same server.
///
/// - Pull floor: downloading `_all_docs?include_docs=true` and parsing it
///   (the least a pull must do), best of three.
/// - Push floor: `_bulk_docs` of the same documents, 1,000 a request, to an
///   empty database on the server (the least a push must do), best of
///   three.
///
/// The server runs in its own process (`pouch serve`), and each
/// replication in a child `pouch-bench` (`ReplicationClient`), so the peak
/// resident memory reported is the replicating client process's whole
/// peak (`VmHWM`), runtime included.
enum ReplicationPhases {
    static let floorRuns = 3

    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let server = try await ServeProcess.start(
            dataDirectory: settings.directory + "/replication")
        defer { server.stop() }
        let port = server.port
        let docs = settings.docs
        // Each floor is the best of three, so a burst of load on the machine
        // during one of them does not flatter the replications.
        var pushFloor = try await BenchServer.bulkLoad(port, db: "source", docs: docs).1
        for index in 1..<floorRuns {
            let seconds = try await BenchServer.bulkLoad(port, db: "floor-\(index)", docs: docs).1
            pushFloor = min(pushFloor, seconds)
        }
        var pullFloor = Double.infinity
        for _ in 0..<floorRuns {
            pullFloor = min(pullFloor, try await downloadAllDocs(port, docs: docs))
        }
        var results = [
            PhaseResult(name: "floor: _bulk_docs to server", items: docs, seconds: pushFloor),
            PhaseResult(name: "floor: _all_docs download+parse", items: docs, seconds: pullFloor),
        ]
        for (index, batchSize) in settings.batchSizes.enumerated() {
            let file = settings.directory + "/replica-\(index).sqlite"
            results.append(
                try await replicate(
                    .init(
                        direction: "pull", port: port, database: "source", file: file,
                        batchSize: batchSize), docs: docs, floor: pullFloor, server: server))
            let target = "pushed-\(index)"
            try await create(port, db: target)
            results.append(
                try await replicate(
                    .init(
                        direction: "push", port: port, database: target, file: file,
                        batchSize: batchSize), docs: docs, floor: pushFloor, server: server))
        }
        return results
    }

    private static func create(_ port: Int, db: String) async throws {
        let status = try await onThread {
            try RawHTTPClient(port: port).request("PUT", "/\(db)").status
        }
        guard status == 201 else { throw BenchError("PUT /\(db) gave \(status)") }
    }

    /// Seconds to fetch and parse `_all_docs?include_docs=true`.
    private static func downloadAllDocs(_ port: Int, docs: Int) async throws -> Double {
        let (count, seconds) = try await measure {
            try await onThread {
                let client = try RawHTTPClient(port: port)
                let (status, body) = try client.request(
                    "GET", "/source/_all_docs?include_docs=true")
                guard status == 200 else { throw BenchError("_all_docs gave \(status)") }
                return try JSON(parsing: body)["rows"]?.arrayValue?.count ?? 0
            }
        }
        guard count == docs else { throw BenchError("_all_docs gave \(count) rows") }
        return seconds
    }

    /// One replication in a child process, against `floor` seconds.
    private static func replicate(
        _ job: ReplicationClient.Job, docs: Int, floor: Double, server: ServeProcess
    ) async throws -> PhaseResult {
        let serverCPU = server.cpuSeconds()
        let answer = try await ReplicationClient.spawn(job)
        let serverUsed = server.cpuSeconds() - serverCPU
        let written = answer["docs_written"]?.intValue ?? 0
        guard written == docs else {
            throw BenchError("\(job.direction) wrote \(written) of \(docs)")
        }
        let peak = answer["peak_rss_mb"]?.doubleValue ?? 0
        return PhaseResult(
            name: "\(job.direction) (batch \(answer["batch_size"]?.intValue ?? 0))", items: docs,
            seconds: answer["seconds"]?.doubleValue ?? 0,
            floorName: job.direction == "pull" ? "all_docs floor" : "bulk_docs floor",
            floorRate: Double(docs) / floor,
            extra: [
                ("client_peak_rss_mb", String(format: "%.1f", peak)),
                ("anon_mb", String(format: "%.1f", answer["peak_anon_mb"]?.doubleValue ?? 0)),
                ("file_mb", String(format: "%.1f", answer["peak_file_mb"]?.doubleValue ?? 0)),
                ("client_cpu_s", String(format: "%.2f", answer["cpu_seconds"]?.doubleValue ?? 0)),
                ("server_cpu_s", String(format: "%.2f", serverUsed)),
                ("stages", answer["stages"]?.stringValue ?? ""),
            ])
    }
}
