/// The errors CouchDB's Mango answers with, by name, reason and status.
package enum MangoError {
    /// `400 invalid_operator`: an operator Mango does not know.
    package static func invalidOperator(_ name: String) -> PouchError {
        PouchError(PouchError.Code("invalid_operator"), "Invalid operator: \(name)", status: 400)
    }

    /// `400 bad_arg`: an operator's argument of the wrong kind.
    package static func badArgument(_ op: String, _ argument: JSON) -> PouchError {
        PouchError(
            .badArgument, "Bad argument for operator \(op): \(ErlangTerm.format(argument))",
            status: 400)
    }

    /// `400 not_supported`: a MongoDB operator Mango does not support.
    package static func notSupported(_ op: String) -> PouchError {
        PouchError(PouchError.Code("not_supported"), "Unsupported operator: \(op)", status: 400)
    }

    /// `400 invalid_selector`: a condition without a field.
    package static let missingFieldName = PouchError(
        PouchError.Code("invalid_selector"),
        "One or more conditions is missing a field name.", status: 400)

    /// `400 bad_field`: a selector that cannot be normalised.
    package static func badField(_ selector: JSON) -> PouchError {
        PouchError(
            PouchError.Code("bad_field"),
            "Invalid field normalization on selector: \(ErlangTerm.format(selector))",
            status: 400)
    }

    /// `400 invalid_field_name`: a dotted name with an empty part.
    package static func invalidFieldName(_ name: String) -> PouchError {
        PouchError(
            PouchError.Code("invalid_field_name"), "Invalid field name: \(name)", status: 400)
    }

    /// `400 missing_required_key`.
    package static func missingRequiredKey(_ key: String) -> PouchError {
        PouchError(
            PouchError.Code("missing_required_key"), "Missing required key: \(key)", status: 400)
    }

    /// `400 invalid_key`: a request member Mango does not know.
    package static func invalidKey(_ key: String) -> PouchError {
        PouchError(
            PouchError.Code("invalid_key"), "Invalid key \(key) for this request.", status: 400)
    }

    /// `400 invalid_selector_json`.
    package static func invalidSelectorJSON(_ value: JSON) -> PouchError {
        PouchError(
            PouchError.Code("invalid_selector_json"),
            "Selector must be a JSON object, not: \(ErlangTerm.format(value))", status: 400)
    }

    /// A `400` whose reason shows the offending value, as `mango_opts` does.
    package static func invalidValue(_ name: String, _ reason: String) -> PouchError {
        PouchError(PouchError.Code(name), reason, status: 400)
    }

    /// `400 invalid_sort_json`, `invalid_sort_field`, `invalid_sort_dir`.
    package static func invalidSort(_ value: JSON) -> PouchError {
        invalidValue(
            "invalid_sort_json",
            "Sort must be an array of sort specs, not: \(ErlangTerm.format(value))")
    }

    package static func invalidSortField(_ value: JSON) -> PouchError {
        invalidValue("invalid_sort_field", "Invalid sort field: \(ErlangTerm.format(value))")
    }

    package static func invalidSortDirection(_ value: JSON) -> PouchError {
        invalidValue("invalid_sort_dir", "Invalid sort direction: \(ErlangTerm.format(value))")
    }

    /// `400 unsupported_mixed_sort`.
    package static let mixedSort = PouchError(
        .unsupportedMixedSort,
        "Sorts currently only support a single direction for all fields.", status: 400)

    /// `400 no_usable_index` for a sort no index can serve.
    package static let noIndexForSort = PouchError(
        .noUsableIndex, "No index exists for this sort, try indexing by the sort fields.",
        status: 400)

    /// `400 no_usable_index` for a query that `allow_fallback: false`
    /// keeps from another index or `_all_docs`.
    ///
    /// Limitation: the reason's wording is Pouch's.
    package static let fallbackRefused = PouchError(
        .noUsableIndex,
        "No usable index exists for this query and allow_fallback is false.", status: 400)

    /// `400 invalid_index`: an index definition CouchDB refuses.
    package static func invalidIndex(_ reason: String) -> PouchError {
        PouchError(PouchError.Code("invalid_index"), reason, status: 400)
    }

    /// `400 invalid_bookmark`.
    package static func invalidBookmark(_ value: JSON) -> PouchError {
        invalidValue(
            "invalid_bookmark", "Invalid bookmark value: \(value.serialized())")
    }
}

/// Writes JSON values as Erlang's `~w` prints CouchDB's decoded terms, so
/// error reasons read as CouchDB's do (`<<"a">>`, `{[{<<"k">>,1}]}`).
///
/// Limitation: doubles are written as JSON writes them, where Erlang may
/// write another spelling (`1.0e-7`); this affects error reasons only.
package enum ErlangTerm {
    /// The `~w` text of `value`.
    package static func format(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .double: return value.serialized()
        case .string(let string): return binary(string)
        case .array(let array): return "[" + array.map(format).joined(separator: ",") + "]"
        case .object(let object):
            let members = object.members.map { "{\(binary($0.key)),\(format($0.value))}" }
            return "{[" + members.joined(separator: ",") + "]}"
        }
    }

    private static func binary(_ string: String) -> String {
        let bytes = Array(string.utf8)
        if bytes.allSatisfy({ $0 >= 32 && $0 < 127 }) {
            var text = ""
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text += "\\" }
                text.unicodeScalars.append(Unicode.Scalar(byte))
            }
            return "<<\"" + text + "\">>"
        }
        return "<<" + bytes.map { String($0) }.joined(separator: ",") + ">>"
    }
}
