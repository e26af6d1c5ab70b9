import Foundation

/// A complete answer from the server: status, headers and body bytes.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header values by lowercased name.
    var headers: [String: String]
    var body: Data
    /// The method and URL asked, with any password hidden, for messages.
    var requestLine: String

    /// The value of the header `name`, whatever its case.
    func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// Whether the status is 2xx.
    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body parsed as JSON, or `bad_response` naming what arrived.
    func json() throws(PouchError) -> JSON {
        do {
            return try JSON(parsing: body)
        } catch {
            throw PouchError.badResponse(
                "the server's answer to \(requestLine) is not JSON",
                cause: "\(error.description); body starts \(bodySnippet)")
        }
    }

    /// The error this answer reports: CouchDB's `{"error", "reason"}` with
    /// the status, or a status-named error when the body is not of that form.
    func error() -> PouchError {
        let parsed = try? JSON(parsing: body)
        if let parsed, parsed["error"]?.stringValue != nil {
            return PouchError(body: parsed, status: status)
        }
        var error = PouchError(body: nil, status: status)
        error.cause = "\(requestLine); body starts \(bodySnippet)"
        if (300..<400).contains(status), let location = header("location") {
            error.reason += ": redirected to \(redactingPassword(location)), not followed"
        }
        return error
    }

    /// The first bytes of the body as text, quoted, for error messages.
    var bodySnippet: String {
        let limit = 120
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return "\"\(text)\"" + (body.count > limit ? "…" : "")
    }
}
