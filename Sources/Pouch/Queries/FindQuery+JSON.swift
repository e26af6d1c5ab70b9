// CouchDB's `_find` and `_index` request bodies, read with Mango's errors
// and written back for the HTTP client.

extension FindQuery {
    /// Reads a `POST /db/_find` body, validating each member in the order
    /// CouchDB's `mango_opts` does and answering with its errors, such as
    /// `400 missing_required_key` "Missing required key: selector".
    public init(json: JSON) throws(PouchError) {
        guard case .object(var body) = json else {
            throw MangoError.invalidValue(
                "invalid_ejson", "Invalid JSON value: \(ErlangTerm.format(json))")
        }
        guard let selector = body.removeValue(forKey: "selector") else {
            throw MangoError.missingRequiredKey("selector")
        }
        _ = try MangoSelector(selector)
        self.init(selector: selector)
        useIndex = try body.removeValue(forKey: "use_index").flatMap(FindQuery.useIndex)
        bookmark = try body.removeValue(forKey: "bookmark").flatMap(FindQuery.bookmark)
        limit = try body.removeValue(forKey: "limit").map(FindQuery.nonNegative) ?? 25
        skip = try body.removeValue(forKey: "skip").map(FindQuery.nonNegative) ?? 0
        sort = try body.removeValue(forKey: "sort").map(SortField.list) ?? []
        fields = try body.removeValue(forKey: "fields").flatMap(FindQuery.fieldList)
        try FindQuery.checkIgnoredOptions(&body)
        conflicts = try body.removeValue(forKey: "conflicts").map(FindQuery.boolean) ?? false
        allowFallback =
            try body.removeValue(forKey: "allow_fallback").map(FindQuery.boolean) ?? true
        executionStats =
            try body.removeValue(forKey: "execution_stats").map(FindQuery.boolean) ?? false
        if let (key, _) = body.members.first { throw MangoError.invalidKey(key) }
    }

    /// The `POST /db/_find` body for this query.
    public var json: JSON {
        var body: JSONObject = ["selector": selector]
        if let fields { body["fields"] = .array(fields.map { .string($0) }) }
        if !sort.isEmpty { body["sort"] = SortField.json(sort) }
        body["limit"] = .int(Int64(limit))
        if skip > 0 { body["skip"] = .int(Int64(skip)) }
        if let useIndex { body["use_index"] = .array(useIndex.map { .string($0) }) }
        if let bookmark { body["bookmark"] = .string(bookmark) }
        if conflicts { body["conflicts"] = true }
        if executionStats { body["execution_stats"] = true }
        if !allowFallback { body["allow_fallback"] = false }
        return .object(body)
    }

    /// `use_index`: `"ddoc"`, `"ddoc/name"`, `"_design/ddoc"`, `[ddoc]` or
    /// `[ddoc, name]`; `null` and `[]` mean none.
    private static func useIndex(_ value: JSON) throws(PouchError) -> [String]? {
        let bad = MangoError.invalidValue(
            "invalid_index_name", "Invalid index name: \(ErlangTerm.format(value))")
        switch value {
        case .null: return nil
        case .string(let name):
            let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init)
            if parts.count == 2 && parts[0] == "_design" { return [parts[1]] }
            return parts
        case .array(let names):
            let strings = names.compactMap(\.stringValue)
            guard strings.count == names.count, names.count <= 2 else { throw bad }
            return strings.isEmpty ? nil : strings
        default:
            throw bad
        }
    }

    private static func bookmark(_ value: JSON) throws(PouchError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text.isEmpty ? nil : text
        default: throw MangoError.invalidBookmark(value)
        }
    }

    private static func nonNegative(_ value: JSON) throws(PouchError) -> Int {
        guard case .int(let number) = value, number >= 0, let result = Int(exactly: number) else {
            throw MangoError.invalidValue(
                "invalid_non_neg_integer",
                "\(ErlangTerm.format(value)) is not an integer greater than or equal to zero")
        }
        return result
    }

    static func boolean(_ value: JSON) throws(PouchError) -> Bool {
        guard let bool = value.boolValue else {
            throw MangoError.invalidValue(
                "invalid_boolean", "Invalid boolean value: \(ErlangTerm.format(value))")
        }
        return bool
    }

    /// `fields`: an array of field names; `[]` means every field.
    private static func fieldList(_ value: JSON) throws(PouchError) -> [String]? {
        guard let array = value.arrayValue else {
            throw MangoError.invalidValue(
                "invalid_fields",
                "Fields must be an array of strings, not: \(ErlangTerm.format(value))")
        }
        var names: [String] = []
        for element in array {
            guard let name = element.stringValue else {
                throw MangoError.invalidValue(
                    "invalid_field", "Invalid JSON for field spec: \(ErlangTerm.format(element))")
            }
            _ = try FieldPath(name)
            names.append(name)
        }
        return names.isEmpty ? nil : names
    }

    /// Validates the options CouchDB accepts that a single local database
    /// has no use for: `r`, `stale`, `update`, `stable` and `partition`.
    ///
    /// Limitation: partitioned queries are refused (`bad_request`).
    private static func checkIgnoredOptions(_ body: inout JSONObject) throws(PouchError) {
        if let r = body.removeValue(forKey: "r"), (r.intValue ?? 0) < 1 || r.stringValue != nil {
            throw MangoError.invalidValue(
                "invalid_pos_integer",
                "\(ErlangTerm.format(r)) is not an integer greater than zero")
        }
        for key in ["update", "stable"] {
            if let value = body.removeValue(forKey: key) { _ = try boolean(value) }
        }
        if let stale = body.removeValue(forKey: "stale"),
            stale != "ok" && stale != "false" && stale != false
        {
            throw MangoError.invalidValue(
                "invalid_ok_or_false_value", "Invalid value: \(ErlangTerm.format(stale))")
        }
        if let partition = body.removeValue(forKey: "partition"), partition != "" {
            throw PouchError.badRequest("Partitioned queries are not supported.")
        }
    }
}

extension SortField {
    /// Reads a Mango `sort` (or index `fields`): field names ascending, or
    /// `{"field": "asc" | "desc"}`, all in one direction.
    static func list(_ value: JSON) throws(PouchError) -> [SortField] {
        guard let array = value.arrayValue else { throw MangoError.invalidSort(value) }
        var fields: [SortField] = []
        for element in array { fields.append(try SortField.parse(element)) }
        if Set(fields.map(\.isAscending)).count > 1 { throw MangoError.mixedSort }
        return fields
    }

    private static func parse(_ value: JSON) throws(PouchError) -> SortField {
        if let name = value.stringValue, !name.isEmpty {
            _ = try FieldPath(name)
            return SortField(name)
        }
        guard let object = value.objectValue, object.count == 1,
            let direction = object.members[0].value.stringValue,
            direction == "asc" || direction == "desc"
        else { throw MangoError.invalidSortField(value) }
        let name = object.members[0].key
        _ = try FieldPath(name)
        return SortField(name, ascending: direction == "asc")
    }

    /// The fields as `[{"field": "asc"}, ...]`, as CouchDB lists them.
    static func json(_ fields: [SortField]) -> JSON {
        .array(fields.map { .object(JSONObject([($0.field, $0.isAscending ? "asc" : "desc")])) })
    }

    /// The fields as a user writes them: names, `{"field": "desc"}` for
    /// descending ones.
    static func requestJSON(_ fields: [SortField]) -> JSON {
        .array(
            fields.map {
                $0.isAscending ? .string($0.field) : .object(JSONObject([($0.field, "desc")]))
            })
    }
}

extension IndexDefinition {
    /// Reads a `POST /db/_index` body with CouchDB's errors, such as
    /// `400 invalid_index` "Invalid type for index: nope" and
    /// `400 missing_required_key` "Missing required key: fields".
    public init(json: JSON) throws(PouchError) {
        guard case .object(var body) = json else {
            throw MangoError.invalidValue(
                "invalid_ejson", "Invalid JSON value: \(ErlangTerm.format(json))")
        }
        guard let index = body.removeValue(forKey: "index") else {
            throw MangoError.missingRequiredKey("index")
        }
        let type = try body.removeValue(forKey: "type").map(IndexDefinition.string) ?? "json"
        let name = try body.removeValue(forKey: "name").map(IndexDefinition.string)
        let ddoc = try body.removeValue(forKey: "ddoc").map(IndexDefinition.string)
        try IndexDefinition.checkIgnoredOptions(&body)
        if let (key, _) = body.members.first { throw MangoError.invalidKey(key) }
        guard type == "json" else {
            throw MangoError.invalidIndex("Invalid type for index: \(type)")
        }
        let (fields, partial) = try IndexDefinition.definition(index)
        self.init(fields: fields, name: name, ddoc: ddoc, partialFilterSelector: partial)
    }

    /// The `POST /db/_index` body for this index.
    public var json: JSON {
        var index: JSONObject = ["fields": SortField.requestJSON(fields)]
        if let partialFilterSelector { index["partial_filter_selector"] = partialFilterSelector }
        var body: JSONObject = ["index": .object(index)]
        if let ddoc { body["ddoc"] = .string(ddoc) }
        if let name { body["name"] = .string(name) }
        body["type"] = "json"
        return .object(body)
    }

    /// The `index` member: `fields` and an optional partial filter.
    private static func definition(
        _ index: JSON
    ) throws(PouchError) -> ([SortField], JSON?) {
        guard case .object(var def) = index else {
            throw MangoError.invalidIndex(
                "JSON indexes must be an object, not: \(ErlangTerm.format(index))")
        }
        guard let fieldsJSON = def.removeValue(forKey: "fields") else {
            throw MangoError.missingRequiredKey("fields")
        }
        let fields = try SortField.list(fieldsJSON)
        var partial = def.removeValue(forKey: "partial_filter_selector")
        if let selector = partial { _ = try MangoSelector(selector) }
        if partial == [:] { partial = nil }
        if let (key, _) = def.members.first { throw MangoError.invalidKey(key) }
        guard !fields.isEmpty else { throw MangoError.invalidIndex("Index fields are empty.") }
        return (fields, partial)
    }

    private static func string(_ value: JSON) throws(PouchError) -> String {
        guard let string = value.stringValue else {
            throw MangoError.invalidValue(
                "invalid_string", "Invalid string: \(ErlangTerm.format(value))")
        }
        return string
    }

    private static func checkIgnoredOptions(_ body: inout JSONObject) throws(PouchError) {
        if let w = body.removeValue(forKey: "w"), (w.intValue ?? 0) < 1 || w.stringValue != nil {
            throw MangoError.invalidValue(
                "invalid_pos_integer", "\(ErlangTerm.format(w)) is not an integer greater than zero"
            )
        }
        if let partitioned = body.removeValue(forKey: "partitioned") {
            guard partitioned.boolValue != nil else {
                throw MangoError.invalidValue(
                    "invalid_partitioned_value",
                    "Invalid partitioned value: \(ErlangTerm.format(partitioned))")
            }
        }
    }
}

extension IndexInfo {
    /// One entry of `GET /db/_index`, as CouchDB writes it.
    public var json: JSON {
        var def: JSONObject = ["fields": SortField.json(fields)]
        if let partialFilterSelector { def["partial_filter_selector"] = partialFilterSelector }
        var object: JSONObject = [
            "ddoc": ddoc.map { .string($0) } ?? .null, "name": .string(name),
            "type": .string(type),
        ]
        if type != "special" { object["partitioned"] = false }
        object["def"] = .object(def)
        return .object(object)
    }

    /// Reads one entry of `GET /db/_index`.
    public init(json: JSON) throws(PouchError) {
        guard let name = json["name"]?.stringValue, let type = json["type"]?.stringValue,
            let fieldsJSON = json["def"]?["fields"]
        else { throw PouchError(.badResponse, "invalid index entry", status: 502) }
        let fields: [SortField]
        do { fields = try SortField.list(fieldsJSON) } catch {
            throw PouchError(.badResponse, "invalid index fields", status: 502)
        }
        self.init(
            ddoc: json["ddoc"]?.stringValue, name: name, type: type, fields: fields,
            partialFilterSelector: json["def"]?["partial_filter_selector"])
    }
}

extension CreateIndexResult {
    /// CouchDB's `POST /db/_index` answer.
    public var json: JSON {
        ["result": .string(result), "id": .string(id), "name": .string(name)]
    }

    /// Reads a `POST /db/_index` answer.
    public init(json: JSON) throws(PouchError) {
        guard let result = json["result"]?.stringValue, let id = json["id"]?.stringValue,
            let name = json["name"]?.stringValue
        else { throw PouchError(.badResponse, "invalid _index answer", status: 502) }
        self.init(result: result, id: id, name: name)
    }
}
