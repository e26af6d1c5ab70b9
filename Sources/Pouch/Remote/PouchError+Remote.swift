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

    /// Rebuilds an error given as a row or item of a successful answer
    /// (rows of `_bulk_docs`, items of `_bulk_get`): `{"error": name,
    /// "reason": text}` with the status its name implies.
    init(row: JSON) {
        let name = row["error"]?.stringValue ?? "unknown_error"
        self.init(body: row, status: BulkDocsResult.status(forErrorName: name))
    }
}
