import Foundation
import Pouch

extension CouchEndpoints {
    static func addChangesRoutes(to router: inout Router) {
        router.add("GET", "/{db}/_changes", allowed: "GET,HEAD,POST") { try await changes($0) }
        router.add("POST", "/{db}/_changes") { try await changes($0) }
    }

    /// `GET|POST /db/_changes` with `feed=normal|longpoll|continuous|live|eventsource`.
    static func changes(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let query = request.query
        let options = try await changesOptions(request, database: database)
        let feed = ChangesFeed(
            database: database, options: options,
            timeout: try query.int("timeout").map { max($0, 0) } ?? 60_000,
            heartbeat: try heartbeat(query))
        switch query["feed"] ?? "normal" {
        case "normal":
            return .json(text: try await database.changes(options).serializedBytes())
        case "longpoll":
            return feed.heartbeat == nil
                ? .json(text: try await feed.longPoll().serializedBytes())
                : .stream { writer in try await feed.longPoll(writer) }
        case "continuous", "live":
            return .stream { writer in try await feed.continuous(writer) }
        case "eventsource":
            let headers = HTTPHeaders([("Cache-Control", "no-cache")])
            return .stream(contentType: "text/event-stream", headers: headers) { writer in
                try await feed.continuous(writer, framing: .eventSource)
            }
        default:
            throw PouchError.badRequest(
                "Supported `feed` types: normal, continuous, live, longpoll, eventsource")
        }
    }

    private static func heartbeat(_ query: QueryParameters) throws -> Int? {
        guard let value = query["heartbeat"] else { return nil }
        if value == "true" { return 60_000 }
        guard let number = Int(value), number > 0 else {
            throw PouchError.badRequest("Invalid heartbeat value. Expecting a positive integer.")
        }
        return number
    }

    /// The options of a changes request: its query, and for a POST the
    /// `doc_ids` or `selector` of the body.
    static func changesOptions(
        _ request: ServerRequest, database: any ServedDatabase
    ) async throws -> ChangesOptions {
        let query = request.query
        var options = ChangesOptions()
        options.since = try since(query["since"])
        options.limit = try query.int("limit")
        options.descending = try query.bool("descending")
        options.includeDocs = try query.bool("include_docs")
        options.conflicts = try query.bool("conflicts")
        options.attachments = try query.bool("attachments")
        options.style = query["style"] == "all_docs" ? .allDocs : .mainOnly
        if let name = query["filter"] {
            options.filter = try await filter(name, request, database: database)
        }
        return options
    }

    private static func since(_ text: String?) throws -> ChangesSince {
        guard let text, text != "0" else { return .start }
        if text == "now" { return .now }
        if let json = try? JSON(parsing: text), json.intValue != nil || json.stringValue != nil {
            return .sequence(json)
        }
        return .sequence(.string(text))
    }

    private static func filter(
        _ name: String, _ request: ServerRequest, database: any ServedDatabase
    ) async throws -> ChangesFilter {
        let body =
            request.method == "POST" && !request.http.body.isEmpty
            ? try request.jsonObjectBody() : JSON.object(JSONObject())
        switch name {
        case "_doc_ids":
            let ids = try body["doc_ids"] ?? request.query.json("doc_ids")
            guard let list = ids?.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw PouchError.badRequest("`doc_ids` filter parameter is not a list of doc ids.")
            }
            return .docIDs(list.compactMap(\.stringValue))
        case "_selector":
            guard let selector = body["selector"], selector.objectValue != nil else {
                throw PouchError.badRequest("Selector error: expected a JSON object")
            }
            return .selector(selector)
        case "_design":
            return .predicate(identity: "_design") {
                $0["_id"]?.stringValue?.hasPrefix("_design/") ?? false
            }
        case "_view":
            // Limitation: views need JavaScript map functions, which Pouch
            // does not run; `filter=_view` is refused.
            throw PouchError.badRequest("_view filters are not supported by this server")
        default:
            throw try await designFilterError(name, database: database)
        }
    }

    /// The error for a design document filter `ddoc/name`: CouchDB's 400
    /// for a malformed name, 404 for a missing one, and for an existing one
    /// a refusal, since filter functions are JavaScript.
    private static func designFilterError(
        _ name: String, database: any ServedDatabase
    ) async throws -> PouchError {
        let parts = name.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else {
            return PouchError.badRequest("`filter` must be of the form `designname/filtername`")
        }
        let ddoc = try await database.get("_design/\(parts[0])")
        guard ddoc["filters"]?[String(parts[1])] != nil else {
            return PouchError.notFound("missing json key: \(parts[1])")
        }
        // Limitation: JavaScript filter functions are not run.
        return PouchError.badRequest("JavaScript filter functions are not supported by this server")
    }
}
