import Foundation
import Pouch

/// Issue 4's phases: the changes feed with documents, live change latency,
/// and Mango `find` of about 100 documents with and without an index, at
/// the base size and at `--large-docs` to check the index does not slow
/// down as the database grows.
enum ChangesPhases {
    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let database = try await filled(settings.docs, settings, name: "changes")
        var results = [try await changesSinceZero(database)]
        results.append(try await liveLatency(database, settings.docs))
        results += try await findPhases(database, docs: settings.docs)
        if let large = settings.largeDocs, large > settings.docs {
            let big = try await filled(large, settings, name: "changes-large")
            results += try await findPhases(big, docs: large)
        }
        return results
    }

    /// A database at `path` holding documents `0..<count`.
    static func filled(
        _ count: Int, _ settings: PouchBench.Settings, name: String
    ) async throws -> Database {
        let database = try Database(path: settings.directory + "/\(name).sqlite")
        for start in stride(from: 0, to: count, by: 1000) {
            let batch = BenchDocuments.batch(start..<min(start + 1000, count))
            _ = try await database.bulkDocs(batch, newEdits: true)
        }
        return database
    }

    private static func changesSinceZero(_ database: Database) async throws -> PhaseResult {
        let (count, seconds) = try await measure {
            try await database.changes(ChangesOptions(includeDocs: true)).results.count
        }
        return PhaseResult(name: "changes since 0, include_docs", items: count, seconds: seconds)
    }

    /// Time from the start of a single-document write to its delivery by a
    /// live feed (the write's commit plus the feed's wake-up and read).
    private static func liveLatency(_ database: Database, _ base: Int) async throws -> PhaseResult {
        let writes = 1000
        let feed = database.liveChanges(ChangesOptions(since: .now))
        let delivered = AsyncStream<UInt64>.makeStream()
        let reader = Task {
            var seen = 0
            for try await _ in feed {
                delivered.continuation.yield(DispatchTime.now().uptimeNanoseconds)
                seen += 1
                if seen == writes { break }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        var latencies: [Double] = []
        var arrivals = delivered.stream.makeAsyncIterator()
        let (_, seconds) = try await measure {
            for index in 0..<writes {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await database.put(BenchDocuments.person(base + 10_000_000 + index))
                guard let arrival = await arrivals.next() else { break }
                latencies.append(Double(arrival - start) / 1e6)
            }
        }
        reader.cancel()
        return PhaseResult(
            name: "live change: write to delivery", items: latencies.count, seconds: seconds,
            unit: "writes",
            extra: [
                ("median_ms", format(percentile(latencies, 0.5))),
                ("p99_ms", format(percentile(latencies, 0.99))),
            ])
    }

    /// `find` of 100 consecutive `reported_date`s: first by a full scan
    /// (no index on the field), then through an index on it. The dates
    /// follow `_id` order, so the matches sit in the upper half of the
    /// primary index.
    private static func findPhases(_ database: Database, docs: Int) async throws -> [PhaseResult] {
        let scan = try await findTimes(database, docs: docs, repeats: docs > 200_000 ? 5 : 20)
        _ = try await database.createIndex(
            IndexDefinition(fields: [SortField("reported_date")], name: "by-date"))
        _ = try await database.find(query(docs: docs, offset: 0))
        let indexed = try await findTimes(database, docs: docs, repeats: 200)
        let label = docs >= 1_000_000 ? "\(docs / 1_000_000)M" : "\(docs / 1000)k"
        return [
            findResult("find 100, full scan @\(label)", scan),
            findResult("find 100, indexed @\(label)", indexed),
        ]
    }

    private static func findTimes(
        _ database: Database, docs: Int, repeats: Int
    ) async throws -> [Double] {
        var times: [Double] = []
        for index in 0..<repeats {
            // Matches in the upper half, so a scan that stops at `limit`
            // still reads most of the database.
            let half = docs / 2
            let offset = half + (index * 7919) % max(docs - half - 100, 1)
            let q = query(docs: docs, offset: offset)
            let (response, seconds) = try await measure { try await database.find(q) }
            guard response.docs.count == min(100, docs) else {
                throw BenchError("find returned \(response.docs.count) docs")
            }
            times.append(seconds * 1000)
        }
        return times
    }

    /// Documents `offset..<offset + 100` by their `reported_date`.
    private static func query(docs: Int, offset: Int) -> FindQuery {
        let low = 1_700_000_000_000 + Int64(offset) * 1000
        return FindQuery(
            selector: ["reported_date": ["$gte": .int(low), "$lt": .int(low + 100_000)]],
            limit: 100)
    }

    private static func findResult(_ name: String, _ times: [Double]) -> PhaseResult {
        PhaseResult(
            name: name, items: times.count, seconds: times.reduce(0, +) / 1000, unit: "queries",
            extra: [
                ("median_ms", format(percentile(times, 0.5))),
                ("p99_ms", format(percentile(times, 0.99))),
            ])
    }
}

/// The value below which `fraction` of `values` fall (nearest rank).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func format(_ value: Double) -> String { String(format: "%.3f", value) }
