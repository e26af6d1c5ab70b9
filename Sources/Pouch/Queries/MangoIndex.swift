/// A Mango JSON index as CouchDB keeps it: a view of a design document
/// whose `language` is `query`, so indexes replicate with the documents.
///
/// ```json
/// {"_id": "_design/visits", "language": "query",
///  "views": {"by-type-date": {
///    "map": {"fields": {"type": "asc", "date": "asc"},
///            "partial_filter_selector": {}},
///    "reduce": "_count",
///    "options": {"def": {"fields": ["type", "date"]}}}}}
/// ```
package struct MangoIndex: Sendable, Equatable {
    /// The design document id, `_design/...`.
    package var ddoc: String
    package var name: String
    package var fields: [SortField]
    /// Only documents matching this selector are indexed.
    package var partialFilterSelector: JSON?

    package init(ddoc: String, name: String, fields: [SortField], partialFilterSelector: JSON?) {
        self.ddoc = ddoc
        self.name = name
        self.fields = fields
        self.partialFilterSelector = partialFilterSelector
    }

    /// The index `definition` asks for, with CouchDB's generated design
    /// document and index names when it gives none: a digest of the
    /// definition, so the same definition always gets the same names.
    package init(_ definition: IndexDefinition) {
        let generated = MangoIndex.generatedName(definition)
        var ddoc = definition.ddoc ?? generated
        if !ddoc.hasPrefix("_design/") { ddoc = "_design/" + ddoc }
        self.init(
            ddoc: ddoc, name: definition.name ?? generated, fields: definition.fields,
            partialFilterSelector: definition.partialFilterSelector)
    }

    /// The field names, the index's columns.
    package var columns: [String] { fields.map(\.field) }

    /// How `indexes()` lists this index.
    package var info: IndexInfo {
        IndexInfo(
            ddoc: ddoc, name: name, type: "json", fields: fields,
            partialFilterSelector: partialFilterSelector)
    }

    /// The `_all_docs` index every database has.
    package static let allDocsInfo = IndexInfo(
        ddoc: nil, name: "_all_docs", type: "special", fields: [SortField("_id")])

    // Limitation: CouchDB names an index from a SHA-1 of the Erlang term of
    // its definition; this is an MD5 of its JSON, so an index created
    // without a name gets a different name here than on CouchDB.
    private static func generatedName(_ definition: IndexDefinition) -> String {
        var text = SortField.requestJSON(definition.fields).serialized()
        if let partial = definition.partialFilterSelector { text += partial.serialized() }
        return MD5.digest(Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension MangoIndex {
    /// The JSON indexes a design document defines; none unless its
    /// `language` is `query`. Views that do not read as an index are
    /// skipped, as CouchDB skips them.
    package static func indexes(inDesignDocument doc: JSON) -> [MangoIndex] {
        guard doc["language"] == "query", let id = doc["_id"]?.stringValue,
            let views = doc["views"]?.objectValue
        else { return [] }
        return views.compactMap { name, view in
            guard let map = view["map"], let fieldsJSON = map["fields"]?.objectValue else {
                return nil
            }
            var fields: [SortField] = []
            for (field, direction) in fieldsJSON {
                guard direction == "asc" || direction == "desc" else { return nil }
                fields.append(SortField(field, ascending: direction == "asc"))
            }
            var partial = map["partial_filter_selector"]
            if partial == [:] { partial = nil }
            if let partial, (try? MangoSelector(partial)) == nil { return nil }
            guard !fields.isEmpty else { return nil }
            return MangoIndex(
                ddoc: id, name: name, fields: fields, partialFilterSelector: partial)
        }
    }

    /// The design document `existing` (or a new one) with this index added,
    /// or `nil` when it already holds exactly this index.
    ///
    /// Throws `400 invalid_ddoc_lang` when `existing` is not a `query`
    /// design document.
    package func adding(to existing: JSON?) throws(PouchError) -> JSON? {
        var doc = existing?.objectValue ?? ["_id": .string(ddoc), "language": "query"]
        guard doc["language"] == "query" else {
            let found = doc["language"].map { "{<<\"language\">>,\(ErlangTerm.format($0))}" }
            throw MangoError.invalidValue(
                "invalid_ddoc_lang",
                "Existing design doc has an invalid language: \(found ?? "false")")
        }
        var views = doc["views"]?.objectValue ?? JSONObject()
        let view = viewJSON
        if views[name] == view { return nil }
        views[name] = view
        doc["views"] = .object(views)
        return .object(doc)
    }

    /// The design document with this index removed: without `views` when
    /// none is left, deleted (`nil`) when nothing else remains.
    package func removing(from existing: JSON) -> JSON? {
        guard var doc = existing.objectValue, var views = doc["views"]?.objectValue else {
            return existing
        }
        views.removeValue(forKey: name)
        if views.isEmpty {
            doc.removeValue(forKey: "views")
        } else {
            doc["views"] = .object(views)
        }
        let remaining = doc.keys.filter { !$0.hasPrefix("_") && $0 != "language" }
        return remaining.isEmpty ? nil : .object(doc)
    }

    private var viewJSON: JSON {
        var fieldsObject = JSONObject()
        for field in fields { fieldsObject[field.field] = field.isAscending ? "asc" : "desc" }
        let map: JSON = [
            "fields": .object(fieldsObject),
            "partial_filter_selector": partialFilterSelector ?? [:],
        ]
        var def: JSONObject = ["fields": SortField.requestJSON(fields)]
        if let partialFilterSelector { def["partial_filter_selector"] = partialFilterSelector }
        return ["map": map, "reduce": "_count", "options": ["def": .object(def)]]
    }
}
