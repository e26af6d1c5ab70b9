extension PouchError {
    /// The exchange failed below HTTP: the server could not be reached, or
    /// it closed the connection before its answer was complete. There is no
    /// HTTP status, so `status` is 0.
    public static func network(_ reason: String, cause: String? = nil) -> PouchError {
        PouchError(.network, reason, status: 0, cause: cause)
    }

    /// The server answered, but not with what CouchDB sends: a body that is
    /// not JSON, or JSON of the wrong shape. `status` is 502, a gateway's
    /// word for an invalid answer from upstream.
    public static func badResponse(_ reason: String, cause: String? = nil) -> PouchError {
        PouchError(.badResponse, reason, status: 502, cause: cause)
    }

    /// No answer arrived within the allowed time. There is no HTTP status,
    /// so `status` is 0.
    public static func timeout(_ reason: String, cause: String? = nil) -> PouchError {
        PouchError(.timeout, reason, status: 0, cause: cause)
    }

    /// The HTTP status CouchDB pairs with an error name, for errors that
    /// arrive inside a 200 answer (rows of `_bulk_docs`, items of
    /// `_bulk_get`) where only the name is given.
    static func status(forErrorName name: String) -> Int {
        switch name {
        case "bad_request", "doc_validation", "illegal_docid", "invalid_json": return 400
        case "unauthorized": return 401
        case "forbidden": return 403
        case "not_found": return 404
        case "conflict": return 409
        case "file_exists", "missing_stub", "precondition_failed": return 412
        case "too_large": return 413
        default: return 500
        }
    }

    /// Rebuilds an error given as a row or item of a successful answer:
    /// `{"error": name, "reason": text}` with the status its name implies.
    init(row: JSON) {
        let name = row["error"]?.stringValue ?? "unknown_error"
        self.init(body: row, status: PouchError.status(forErrorName: name))
    }
}
