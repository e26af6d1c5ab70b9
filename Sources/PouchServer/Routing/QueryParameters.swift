import Pouch

/// The decoded parameters of a query string, after CouchDB's readings of
/// them: Booleans `true`/`false`, integers, and JSON values (`key`,
/// `startkey`, `open_revs`, ...).
public struct QueryParameters: Sendable {
    /// The name and value pairs, in order.
    public private(set) var pairs: [(name: String, value: String)]

    /// Parses `a=1&b=2`; `+` is a space, as in form encoding.
    public init(_ rawQuery: Substring) throws(PouchError) {
        pairs = []
        for part in rawQuery.split(separator: "&") where !part.isEmpty {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try PathDecoding.decode(halves[0], plusAsSpace: true)
            let value =
                halves.count > 1 ? try PathDecoding.decode(halves[1], plusAsSpace: true) : ""
            pairs.append((name: name, value: value))
        }
    }

    /// The last value given for `name`.
    public subscript(name: String) -> String? {
        pairs.last { $0.name == name }?.value
    }

    /// Whether `name` is `true`; `false` when absent or `false`. Anything
    /// else is CouchDB's `query_parse_error`.
    public func bool(_ name: String) throws(PouchError) -> Bool {
        guard let value = self[name] else { return false }
        switch value {
        case "true": return true
        case "false": return false
        default:
            throw PouchError(
                PouchError.Code("query_parse_error"),
                "Invalid boolean parameter: \"\(value)\"", status: 400)
        }
    }

    /// The integer value of `name`, `nil` when absent.
    public func int(_ name: String) throws(PouchError) -> Int? {
        guard let value = self[name] else { return nil }
        guard let number = Int(value) else {
            throw PouchError(
                PouchError.Code("query_parse_error"),
                "Invalid value for integer: \"\(value)\"", status: 400)
        }
        return number
    }

    /// The integer value of `name`, zero or more, `nil` when absent; a
    /// negative one is `query_parse_error`, as CouchDB's `parse_pos_int`
    /// answers for view and `_all_docs` `limit` and `skip`.
    public func nonNegativeInt(_ name: String) throws(PouchError) -> Int? {
        guard let value = self[name] else { return nil }
        guard let number = Int(value), number >= 0 else {
            throw PouchError(
                PouchError.Code("query_parse_error"),
                "Invalid value for positive integer: \"\(value)\"", status: 400)
        }
        return number
    }

    /// The JSON value of `name`, `nil` when absent; unparsable JSON is
    /// `bad_request` "invalid UTF-8 JSON", as CouchDB answers.
    public func json(_ name: String) throws(PouchError) -> JSON? {
        guard let value = self[name] else { return nil }
        do {
            return try JSON(parsing: value)
        } catch {
            throw PouchError.badRequest("invalid UTF-8 JSON")
        }
    }
}
