/// An error as CouchDB reports it: an `error` name, a `reason` and an HTTP
/// status, plus the lower-level cause when one exists.
///
/// Match on `code` in a `catch`:
///
/// ```swift
/// do { try await db.put(doc) } catch let error as PouchError where error.code == .conflict { … }
/// ```
public struct PouchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// CouchDB's error name, such as `not_found` or `conflict`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let badRequest = Code("bad_request")
        public static let notFound = Code("not_found")
        public static let conflict = Code("conflict")
        public static let forbidden = Code("forbidden")
        public static let unauthorized = Code("unauthorized")
        public static let fileExists = Code("file_exists")
        public static let docValidation = Code("doc_validation")
        public static let illegalDocID = Code("illegal_docid")
        public static let illegalDatabaseName = Code("illegal_database_name")
        public static let missingStub = Code("missing_stub")
        public static let badArgument = Code("bad_arg")
        public static let noUsableIndex = Code("no_usable_index")
        public static let unsupportedMixedSort = Code("unsupported_mixed_sort")
        public static let invalidJSON = Code("invalid_json")
        public static let tooLarge = Code("too_large")
        public static let methodNotAllowed = Code("method_not_allowed")
        public static let preconditionFailed = Code("precondition_failed")
        public static let internalError = Code("internal_server_error")
        public static let storage = Code("storage_error")
        public static let network = Code("network_error")
        public static let badResponse = Code("bad_response")
        public static let timeout = Code("timeout")
        public static let cancelled = Code("cancelled")
    }

    /// CouchDB's error name.
    public var code: Code
    /// CouchDB's human-readable reason.
    public var reason: String
    /// The HTTP status CouchDB answers with.
    public var status: Int
    /// What a lower layer reported, such as an SQLite result or a URL error.
    public var cause: String?

    public init(_ code: Code, _ reason: String, status: Int, cause: String? = nil) {
        self.code = code
        self.reason = reason
        self.status = status
        self.cause = cause
    }

    /// `error: reason`, with the cause when there is one.
    public var description: String {
        let base = "\(code.rawValue): \(reason)"
        guard let cause else { return base }
        return "\(base) (\(cause))"
    }

    /// The `{"error", "reason"}` body CouchDB sends.
    public var body: JSON {
        ["error": .string(code.rawValue), "reason": .string(reason)]
    }
}

extension PouchError {
    public static func badRequest(_ reason: String) -> PouchError {
        PouchError(.badRequest, reason, status: 400)
    }

    public static func notFound(_ reason: String = "missing") -> PouchError {
        PouchError(.notFound, reason, status: 404)
    }

    public static func conflict(_ reason: String = "Document update conflict.") -> PouchError {
        PouchError(.conflict, reason, status: 409)
    }

    public static func forbidden(_ reason: String) -> PouchError {
        PouchError(.forbidden, reason, status: 403)
    }

    public static func unauthorized(_ reason: String) -> PouchError {
        PouchError(.unauthorized, reason, status: 401)
    }

    public static func fileExists(
        _ reason: String = "The database could not be created, the file already exists."
    ) -> PouchError {
        PouchError(.fileExists, reason, status: 412)
    }

    public static func docValidation(_ reason: String) -> PouchError {
        PouchError(.docValidation, reason, status: 400)
    }

    public static func illegalDocID(_ reason: String) -> PouchError {
        PouchError(.illegalDocID, reason, status: 400)
    }

    public static func missingStub(_ reason: String) -> PouchError {
        PouchError(.missingStub, reason, status: 412)
    }

    public static func badArgument(_ reason: String) -> PouchError {
        PouchError(.badArgument, reason, status: 400)
    }

    public static func storage(_ reason: String, cause: String? = nil) -> PouchError {
        PouchError(.storage, reason, status: 500, cause: cause)
    }

    /// The error for a JSON text that failed to parse.
    public static func invalidJSON(_ error: JSONParseError) -> PouchError {
        PouchError(.badRequest, "invalid UTF-8 JSON", status: 400, cause: error.description)
    }

    /// Rebuilds an error from a CouchDB `{"error", "reason"}` body and status.
    public init(body: JSON?, status: Int) {
        let name = body?["error"]?.stringValue ?? PouchError.defaultName(for: status)
        let reason = body?["reason"]?.stringValue ?? "HTTP status \(status)"
        self.init(Code(name), reason, status: status)
    }

    static func defaultName(for status: Int) -> String {
        switch status {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 412: return "precondition_failed"
        case 413: return "too_large"
        default: return status >= 500 ? "internal_server_error" : "unknown_error"
        }
    }
}
