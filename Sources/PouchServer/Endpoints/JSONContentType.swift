import Pouch

/// CouchDB's `validate_ctype` check: the `POST` endpoints whose JSON body
/// CouchDB reads only when the request says `Content-Type:
/// application/json` (parameters after `;` allowed), answering 415
/// `bad_content_type` otherwise.
enum JSONContentType {
    /// The database endpoints (`/db/X`) CouchDB 3 checks, after
    /// `chttpd_db.erl` and `mango_httpd.erl`. `POST /db` is checked too;
    /// `_view_cleanup` is not.
    static let checkedEndpoints: Set<String> = [
        "_bulk_docs", "_bulk_get", "_revs_diff", "_missing_revs", "_purge", "_all_docs",
        "_design_docs", "_local_docs", "_changes", "_compact", "_ensure_full_commit", "_find",
        "_explain", "_index",
    ]

    /// Whether CouchDB checks the content type of `method` on the decoded
    /// path `segments`.
    static func isChecked(method: String, segments: [String]) -> Bool {
        guard method == "POST", let database = segments.first, !database.hasPrefix("_") else {
            return false
        }
        switch segments.count {
        case 1: return true
        case 2: return checkedEndpoints.contains(segments[1])
        default: return false
        }
    }

    /// Throws CouchDB's 415 unless the first `;`-separated part of the
    /// request's `Content-Type` is exactly `application/json`.
    static func validate(_ headers: HTTPHeaders) throws(PouchError) {
        let value = headers["Content-Type"] ?? ""
        guard value.split(separator: ";").first == "application/json" else {
            throw PouchError(
                PouchError.Code("bad_content_type"),
                "Content-Type must be application/json", status: 415)
        }
    }
}
