extension Database {
    /// One batch of the changes feed, after CouchDB's `GET /db/_changes`
    /// (`feed=normal`): one row per document at its latest sequence.
    ///
    /// Sequences are integers 1, 2, 3... `since` accepts an integer or its
    /// text; anything else is `bad_request`. Filters: `.docIDs`,
    /// `.predicate` and `.selector` run here; `.server` needs a server and
    /// is `bad_request`. `descending` starts from the newest change and
    /// ignores `since`, as CouchDB does.
    public func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        let since = try Database.startSequence(options.since, descending: options.descending)
        let matcher = try Database.matcher(for: options.filter)
        return try await read { store in
            try store.changes(options, since: since, matches: matcher)
        }
    }

    /// A stream of the update sequence after each write, for live feeds;
    /// it ends when the database is destroyed.
    package func commits() -> AsyncStream<Int64> {
        observers.stream()
    }

    /// The sequence to read after; `nil` for `since=now`.
    static func startSequence(_ since: ChangesSince, descending: Bool) throws -> Int64? {
        switch since {
        case .start: return 0
        case .now: return descending ? 0 : nil
        case .sequence(let value): return try sequenceNumber(value)
        }
    }

    /// The integer a sequence stands for: a number, or text starting with
    /// one (`"5"` or CouchDB-style `"5-g1A..."`).
    static func sequenceNumber(_ value: JSON) throws -> Int64 {
        switch value {
        case .int(let number) where number >= 0: return number
        case .double(let number) where number >= 0 && number == number.rounded():
            return Int64(number)
        case .string(let text):
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            if let number = Int64(digits),
                digits.count == text.count || text.dropFirst(digits.count).first == "-"
            {
                return number
            }
        default: break
        }
        throw PouchError.badRequest("Malformed sequence supplied in 'since' parameter.")
    }

    typealias ChangeMatcher = @Sendable (Change, () throws -> JSON) throws -> Bool

    static func matcher(for filter: ChangesFilter) throws -> ChangeMatcher {
        switch filter {
        case .none, .docIDs:
            return { _, _ in true }
        case .predicate(_, let predicate):
            return { _, body in predicate(try body()) }
        case .selector(let selector):
            let compiled = try MangoSelector(selector)
            return { _, body in compiled.matches(try body()) }
        case .server(let name, _):
            throw PouchError.badRequest(
                "The filter function \(name) runs only on a server; a local database has none")
        }
    }
}
