import Foundation
import Pouch

enum BenchPhases {
    static let all: [BenchPhase] = [
        BenchPhase(group: "storage", run: StoragePhases.run),
        BenchPhase(group: "changes", run: ChangesPhases.run),
        BenchPhase(group: "attachments", run: AttachmentPhases.run),
        BenchPhase(group: "server", run: ServerPhases.run),
        BenchPhase(group: "replication", run: ReplicationPhases.run),
    ]

    static var groupNames: String { all.map(\.group).joined(separator: ",") }
}

/// Bulk insert, all docs with bodies, random gets: issue 2's phases.
enum StoragePhases {
    static let batchSize = 1000

    /// Each insert runs this many times, into a fresh file each time, and
    /// its best time counts, so a burst of load from elsewhere on the
    /// machine during one run does not decide a ratio.
    static let rounds = 3

    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let batches = stride(from: 0, to: settings.docs, by: batchSize).map {
            BenchDocuments.batch($0..<min($0 + batchSize, settings.docs))
        }
        let rows = pouchRows(batches)
        var floorSeconds = Double.infinity
        var rowsSeconds = Double.infinity
        var insertSeconds = Double.infinity
        var database: Database?
        for round in 0..<rounds {
            floorSeconds = min(floorSeconds, try floor(batches, settings, round: round))
            rowsSeconds = min(
                rowsSeconds,
                try SQLiteFloor.insertPouchRows(
                    rows: rows, path: settings.directory + "/rows-\(round).sqlite"))
            let (inserted, seconds) = try await insert(batches, settings, round: round)
            insertSeconds = min(insertSeconds, seconds)
            database = inserted
        }
        guard let database else { throw BenchError("no storage round ran") }
        let floorRate = Double(settings.docs) / floorSeconds
        return [
            PhaseResult(name: "floor: sqlite insert", items: settings.docs, seconds: floorSeconds),
            PhaseResult(
                name: "sqlite insert of Pouch's rows", items: settings.docs, seconds: rowsSeconds,
                floorName: "sqlite insert", floorRate: floorRate),
            PhaseResult(
                name: "bulk insert (batches of 1000)", items: settings.docs, seconds: insertSeconds,
                floorName: "sqlite insert", floorRate: floorRate),
            try await allDocs(database, settings),
            try await randomGets(database, settings),
        ]
    }

    /// One timed bulk insert into a new file, ending once its log is in the
    /// file (as the floor's ends with its last checkpoint).
    private static func insert(
        _ batches: [[JSON]], _ settings: PouchBench.Settings, round: Int
    ) async throws -> (Database, Double) {
        let database = try Database(path: settings.directory + "/storage-\(round).sqlite")
        let (_, seconds) = try await measure {
            for batch in batches { _ = try await database.bulkDocs(batch, newEdits: true) }
            try await database.checkpointLog()
        }
        return (database, seconds)
    }

    private static func floor(
        _ batches: [[JSON]], _ settings: PouchBench.Settings, round: Int
    ) throws -> Double {
        let bodies = batches.map { batch in
            batch.map { ($0["_id"]!.stringValue!, $0.serializedBytes()) }
        }
        return try SQLiteFloor.insert(
            bodies: bodies, path: settings.directory + "/floor-\(round).sqlite")
    }

    /// The rows Pouch writes for each document: its first revision, a
    /// one-revision tree and the body without `_id`.
    private static func pouchRows(_ batches: [[JSON]]) -> [[SQLiteFloor.PouchRow]] {
        batches.map { batch in
            batch.map { doc in
                guard case .object(var members) = doc else { fatalError("documents are objects") }
                let id = members.removeValue(forKey: "_id")?.stringValue ?? ""
                let body = JSON.object(members).serializedBytes()
                let rev = RevisionID.next(
                    after: nil, isDeleted: false, body: body, attachmentDigests: [])
                var tree = RevisionTree()
                tree.insert(rev, parent: nil, isDeleted: false)
                return SQLiteFloor.PouchRow(
                    id: id, rev: rev.description, tree: tree.encoded(), body: body)
            }
        }
    }

    private static func allDocs(
        _ database: Database, _ settings: PouchBench.Settings
    ) async throws
        -> PhaseResult
    {
        let (rows, seconds) = try await measure {
            try await database.allDocs(AllDocsOptions(includeDocs: true)).rows.count
        }
        return PhaseResult(name: "all docs, include_docs", items: rows, seconds: seconds)
    }

    private static func randomGets(
        _ database: Database, _ settings: PouchBench.Settings
    )
        async throws -> PhaseResult
    {
        var generator = SystemRandomNumberGenerator()
        let count = min(settings.docs, 20_000)
        let ids = (0..<count).map { _ in
            String(format: "person-%08d", Int.random(in: 0..<settings.docs, using: &generator))
        }
        let (_, seconds) = try await measure {
            for id in ids { _ = try await database.get(id) }
        }
        return PhaseResult(name: "random get by id", items: count, seconds: seconds)
    }
}
