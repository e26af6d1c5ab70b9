import Foundation
import Pouch
import PouchServer

/// Issue 7's phases: pull and push between an in-process server on
/// 127.0.0.1 and a local file, each against a floor taken in the same run.
///
/// - Pull floor: downloading `_all_docs?include_docs=true` from the same
///   server and parsing it (the least a pull must do).
/// - Push floor: `_bulk_docs` of the same documents, 1,000 a batch, to an
///   empty database on the server (the least a push must do).
///
/// The peak resident memory is the whole process's, so it includes the
/// in-process server's share.
enum ReplicationPhases {
    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let server = try await BenchServer.start(settings, name: "replication")
        defer { server.stop() }
        let port = server.port
        let docs = settings.docs
        let (_, pushFloor) = try await BenchServer.bulkLoad(port, db: "source", docs: docs)
        let pullFloor = try await downloadAllDocs(port, docs: docs)
        var results = [
            PhaseResult(name: "floor: _bulk_docs to server", items: docs, seconds: pushFloor),
            PhaseResult(name: "floor: _all_docs download+parse", items: docs, seconds: pullFloor),
        ]
        for (index, batchSize) in settings.batchSizes.enumerated() {
            let options = settings.replicationOptions(batchSize: batchSize)
            let local = try Database(
                path: settings.directory + "/replica-\(index).sqlite")
            let remote = RemoteDatabase(url: url(port, "source"))
            results.append(
                try await replicate(
                    "pull", from: remote, to: local, docs: docs, options: options,
                    floor: pullFloor))
            let target = "pushed-\(index)"
            try await create(port, db: target)
            results.append(
                try await replicate(
                    "push", from: local, to: RemoteDatabase(url: url(port, target)), docs: docs,
                    options: options, floor: pushFloor))
        }
        return results
    }

    private static func url(_ port: Int, _ db: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)/\(db)")!
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

    private static func replicate(
        _ direction: String, from source: any ReplicationPeer, to target: any ReplicationPeer,
        docs: Int, options: ReplicationOptions, floor: Double
    ) async throws -> PhaseResult {
        ProcessMemory.resetPeak()
        let baseline = ProcessMemory.current()
        let replication = Replication(source: source, target: target, options: options)
        let (result, seconds) = try await measure { try await replication.run() }
        let peak = ProcessMemory.peak()
        guard result.docsWritten == docs else {
            throw BenchError("\(direction) wrote \(result.docsWritten) of \(docs)")
        }
        return PhaseResult(
            name: "\(direction) (batch \(options.batchSize))", items: docs, seconds: seconds,
            floorName: direction == "pull" ? "all_docs floor" : "bulk_docs floor",
            floorRate: Double(docs) / floor,
            extra: [
                ("peak_rss_mb", ProcessMemory.megabytes(peak)),
                ("peak_above_baseline_mb", ProcessMemory.megabytes(peak - baseline)),
            ])
    }
}
